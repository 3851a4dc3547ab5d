/**
 * What the runner hands a persona container to read (SPEC §5–§6, issue 10 "inputs in"): the issue
 * as the runner verified it, cleaned of what a person cannot see and framed as data. Pure; the
 * runner writes the files into the stage's read-only input folder.
 */
@NullMarked
package dev.hydra.input;

import org.jspecify.annotations.NullMarked;
