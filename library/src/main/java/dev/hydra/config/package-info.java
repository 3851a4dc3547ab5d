/** Settings read once from the environment into typed records. */
@NullMarked
package dev.hydra.config;

import org.jspecify.annotations.NullMarked;
