/** Operator tasks over the forge port: seeding labels, checking a deployment ({@code doctor}). */
@NullMarked
package dev.hydra.ops;

import org.jspecify.annotations.NullMarked;
