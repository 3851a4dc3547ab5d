/**
 * The Kubernetes adapter of the container runtime: each stage as a Job with its own NetworkPolicy,
 * on the fabric8 client (docs/kubernetes.md). fabric8 types never leave this package.
 */
@NullMarked
package dev.hydra.container.kubernetes;

import org.jspecify.annotations.NullMarked;
