/**
 * The one place a caller wires Hydra (as jib's {@code Jib}/{@code Containerizer}): from one {@link
 * dev.hydra.config.HydraSettings} it builds the forge target, each persona's forge, the
 * credentials, the stage runner and the pipeline, so the command line only parses arguments, calls
 * this package and maps results to exit codes.
 */
@NullMarked
package dev.hydra.wiring;

import org.jspecify.annotations.NullMarked;
