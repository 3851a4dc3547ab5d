package dev.hydra.gate;

import dev.hydra.container.ContainerException;
import dev.hydra.container.ContainerResult;
import dev.hydra.container.ContainerRuntime;
import dev.hydra.container.ContainerSpec;
import dev.hydra.container.Mount;
import dev.hydra.image.ImageRef;
import dev.hydra.secret.SecretMasker;
import dev.hydra.stage.TemporaryMounts;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every declared gate, each in its OWN hardened container through the {@link ContainerRuntime}
 * port: the gate's image (or the builder's), a private read-write COPY of the checkout at {@code
 * /workspace} (so a gate can build in it, yet never change what is pushed: the runner pushes from
 * its own mirror, and the copy is deleted afterwards), the changed files at {@code
 * /gate/changed-files} (read-only) for a {@code diff} gate, no secret (plain {@code HYDRA_GATE_*}
 * variables only), and no network ({@link ContainerSpec#NO_NETWORK}). A gate that declares
 * registries is refused in this version rather than given a network.
 */
public final class GateRunner {

  /** Where the checkout's copy is mounted and the gate's command starts. */
  public static final String WORKSPACE = "/workspace";

  /** The read-only folder with {@code changed-files}. */
  public static final String INPUT = "/gate";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long GIB = 1L << 30;

  private final ContainerRuntime runtime;
  private final SecretMasker masker;

  /**
   * @param runtime the container port (never an adapter directly)
   * @param masker masks every secret of the run in the gates' output
   */
  public GateRunner(ContainerRuntime runtime, SecretMasker masker) {
    this.runtime = runtime;
    this.masker = masker;
  }

  /**
   * What the gates check.
   *
   * @param checkout the tree to check (the builder's commits checked out by the runner, never the
   *     agent's own folder); copied, never changed
   * @param builderImage the image of a gate that names none
   * @param changedFiles the files changed from the base commit to the head, for {@code diff} gates
   */
  public record Inputs(Path checkout, ImageRef builderImage, List<String> changedFiles) {
    /** Copies the list. */
    public Inputs {
      changedFiles = List.copyOf(changedFiles);
    }
  }

  /**
   * Runs the gates one after another.
   *
   * @return every gate's result, with the file's note
   * @throws InterruptedException when interrupted; the running container is removed by the runtime
   */
  public GateTable run(GateFile file, Inputs inputs) throws InterruptedException {
    List<GateResult> results = new ArrayList<>();
    for (Gate gate : file.gates()) {
      results.addAll(run(gate, inputs));
    }
    return new GateTable(results, file.note());
  }

  private List<GateResult> run(Gate gate, Inputs inputs) throws InterruptedException {
    if (!gate.registries().isEmpty()) {
      return List.of(
          failed(
              gate,
              "declares registries "
                  + Texts.quote(String.join(", ", gate.registries()))
                  + ", but gates run without a network in this version; remove `registries` and"
                  + " put what the gate needs into its image"));
    }
    Path root;
    try {
      root = GateFolders.prepare(inputs.checkout(), inputs.changedFiles());
    } catch (IOException e) {
      return List.of(
          failed(
              gate,
              "could not copy the checkout for the gate (" + e.getClass().getSimpleName() + ")"));
    }
    try {
      GateOutput output = new GateOutput(masker);
      ContainerResult ended = runtime.run(spec(gate, inputs, root), output, output);
      return gate.runner()
          ? RunnerContract.read(
              gate,
              ended.exitCode(),
              ended.timedOut(),
              ended.duration(),
              output.contractLines(),
              output.report())
          : List.of(
              GateTable.plain(
                  gate, ended.exitCode(), ended.timedOut(), ended.duration(), output.report()));
    } catch (ContainerException e) {
      return List.of(
          failed(gate, "could not start: " + masker.mask(String.valueOf(e.getMessage()))));
    } finally {
      TemporaryMounts.delete(root);
    }
  }

  /** The gate's hardened spec (package-private for tests). */
  static ContainerSpec spec(Gate gate, Inputs inputs, Path root) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HYDRA_GATE_NAME", gate.name());
    env.put("HYDRA_GATE_SCOPE", gate.scope().id());
    if (gate.scope() == GateScope.DIFF) {
      env.put("HYDRA_GATE_CHANGED_FILES", INPUT + "/" + GateFolders.CHANGED_FILES);
    }
    byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    return new ContainerSpec(
        gate.image().orElse(inputs.builderImage()).toString(),
        "hydra-gate-" + gate.name() + "-" + HexFormat.of().formatHex(random),
        ContainerSpec.NO_NETWORK,
        2,
        4 * GIB,
        1024,
        GIB,
        GIB,
        Set.of(),
        env,
        List.of(
            new Mount(root.resolve(GateFolders.WORKSPACE), WORKSPACE, false),
            new Mount(root.resolve(GateFolders.INPUT), INPUT, true)),
        Map.of("hydra.gate", gate.name()),
        gate.timeout(),
        gate.command(),
        WORKSPACE);
  }

  private static GateResult failed(Gate gate, String reason) {
    return new GateResult(gate.name(), GateStatus.FAIL, Duration.ZERO, reason, "");
  }
}
