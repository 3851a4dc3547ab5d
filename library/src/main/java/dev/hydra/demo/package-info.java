/**
 * {@code hydra demo}: the embedded default in one place. {@link dev.hydra.demo.Demo} runs the
 * pipeline on a local forge ({@code LocalForges.demo}) with either real containers of the demo
 * persona images ({@link dev.hydra.demo.DemoImages}, {@link dev.hydra.demo.DemoContainerRuntime})
 * or scripted verdicts ({@link dev.hydra.demo.DemoStageExecutor}), steered by a {@link
 * dev.hydra.demo.DemoOutcome}, with fake labelled tokens ({@link dev.hydra.demo.DemoCredentials});
 * the CLI only parses and prints. With {@link dev.hydra.demo.DemoAgent#REAL} the containers are the
 * real persona images, their CLI answered by a scripted model on loopback ({@code DemoScripts}).
 */
@NullMarked
package dev.hydra.demo;

import org.jspecify.annotations.NullMarked;
