/**
 * The AI agent inside a stage: how a Claude Code run ended (classified from its {@code stream-json}
 * output), and rotation across Claude tokens when an account hits its limit.
 */
@NullMarked
package dev.hydra.agent;

import org.jspecify.annotations.NullMarked;
