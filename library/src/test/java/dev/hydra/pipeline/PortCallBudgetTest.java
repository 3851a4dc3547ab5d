package dev.hydra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hydra.credentials.Persona;
import dev.hydra.forge.Forge;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.local.LocalForge;
import dev.hydra.forge.local.LocalForges;
import dev.hydra.label.LabelScheme;
import dev.hydra.label.Stage;
import dev.hydra.ops.LabelSeeding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counts the forge port calls of a whole build → reviews → decision run, through proxies (which
 * also hide the local forge's compare-and-set, so the claim takes the real forges'
 * write-and-re-read path). A port call is one request on GitHub except where an adapter pages or
 * needs two.
 */
class PortCallBudgetTest {

  @TempDir Path dir;

  @Test
  void aWholeRunStaysWithinTheBudget() throws Exception {
    int issue = LocalForges.demo(dir).number();
    LocalForge mona = LocalForge.asUser(dir, LocalForges.DEMO_ADMIN);
    LabelSeeding.seed(mona, LocalForges.DEMO_REPO, LabelScheme.canonical());
    mona.addLabel(LocalForges.DEMO_REPO, issue, "ready-to-build");
    AtomicInteger calls = new AtomicInteger();
    Map<String, AtomicInteger> byMethod = new java.util.TreeMap<>();
    Map<Persona, Forge> forges = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      LocalForge real = LocalForge.forPersona(dir, persona.id());
      forges.put(
          persona,
          (Forge)
              Proxy.newProxyInstance(
                  Forge.class.getClassLoader(),
                  new Class<?>[] {Forge.class},
                  (proxy, method, args) -> {
                    if (!method.getName().equals("persona") && !method.getName().equals("type")) {
                      calls.incrementAndGet();
                      synchronized (byMethod) {
                        byMethod
                            .computeIfAbsent(method.getName(), k -> new AtomicInteger())
                            .incrementAndGet();
                      }
                    }
                    try {
                      return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  }));
    }
    LocalForge builder = LocalForge.forPersona(dir, "builder");
    FakeStageExecutor executor =
        new FakeStageExecutor() {
          @Override
          public dev.hydra.stage.StageResult execute(Call call) {
            if (call.stage() == Stage.BUILD) {
              try {
                builder.pushBranch(
                    LocalForges.DEMO_REPO,
                    "hydra/" + issue + "-add-a-health-endpoint",
                    "1".repeat(40));
              } catch (dev.hydra.forge.ForgeException e) {
                throw new IllegalStateException(e);
              }
            }
            return super.execute(call);
          }
        };
    Pipeline pipeline =
        new Pipeline(
            forges,
            executor,
            PipelineOptions.defaults(LabelScheme.canonical())
                .withPersonaLogins(localPersonaLogins(dir)),
            line -> {});
    pipeline.build(LocalForges.DEMO_REPO, issue, LocalForges.DEMO_ADMIN);
    PullRequest pr =
        builder
            .findPullRequest(LocalForges.DEMO_REPO, "hydra/" + issue + "-add-a-health-endpoint")
            .orElseThrow();
    // The review event of Hydra's own transition: the builder opened the draft PR.
    PipelineResult result =
        pipeline.reviews(
            LocalForges.DEMO_REPO,
            pr,
            new Pipeline.Start(
                dev.hydra.event.EventAction.OPENED,
                new Authority.Actor(builder.currentUser(), false)));
    assertThat(result.status()).isEqualTo(PipelineResult.Status.DONE);
    printCount(calls, byMethod);
    // Issue 10 inputs: +1 the build reads the comments, +1 each review job reads the issue (19
    // before, 22 now); helper F's reductions in the adapters are merged separately.
    assertThat(calls.get()).isLessThanOrEqualTo(20 + 3);
  }

  /** {@code HYDRA_PERSONA_LOGINS} for the local forge's persona accounts. */
  static Map<Persona, String> localPersonaLogins(Path dir) throws Exception {
    Map<Persona, String> logins = new EnumMap<>(Persona.class);
    for (Persona persona : Persona.values()) {
      logins.put(persona, LocalForge.forPersona(dir, persona.id()).currentUser());
    }
    return logins;
  }

  @SuppressWarnings("SystemOut") // the measurement is this test's report
  private static void printCount(AtomicInteger calls, Map<String, AtomicInteger> byMethod) {
    System.out.println("forge port calls for build -> reviews -> done: " + calls + " " + byMethod);
  }
}
