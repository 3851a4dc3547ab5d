/**
 * Container image references as values: {@link dev.hydra.image.ImageRef} parses and validates
 * {@code [registry/]path[:tag][@sha256:digest]} and names the persona images (pure).
 */
@NullMarked
package dev.hydra.image;

import org.jspecify.annotations.NullMarked;
