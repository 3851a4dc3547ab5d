/**
 * The scripted model (SPEC §5: "in the demo and in tests the gateway's upstream is a scripted
 * model"): a Messages API on loopback that answers a persona's Claude Code CLI with a script of
 * tool calls and a final verdict, in the real API's wire format, and records what came back for
 * each call. The demo runs the real persona images against it; the tests use it as the gateway's
 * upstream. It holds no credential and never calls out.
 */
@NullMarked
package dev.hydra.model.scripted;

import org.jspecify.annotations.NullMarked;
