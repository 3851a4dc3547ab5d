/** Safe rendering of untrusted text (labels, titles, branch names) in messages and logs. */
@NullMarked
package dev.hydra.text;

import org.jspecify.annotations.NullMarked;
