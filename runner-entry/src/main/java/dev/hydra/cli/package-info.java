/** The {@code hydra} command line: parse, wire, call the library, map results to exit codes. */
@NullMarked
package dev.hydra.cli;

import org.jspecify.annotations.NullMarked;
