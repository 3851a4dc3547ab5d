/**
 * The verdict contract between a persona image and the runner: the last stdout line starting with
 * {@code HYDRA-VERDICT }, compact JSON validated against {@code verdict-v1.schema.json}.
 */
@NullMarked
package dev.hydra.verdict;

import org.jspecify.annotations.NullMarked;
