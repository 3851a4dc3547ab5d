/**
 * Gates (issue 13): deterministic checks declared by the target repository in {@code
 * .hydra/gates.yml}, each run in its own hardened container without a secret or a network, and read
 * gate by gate into a {@link dev.hydra.gate.GateTable}. See docs/gates.md.
 */
@NullMarked
package dev.hydra.gate;

import org.jspecify.annotations.NullMarked;
