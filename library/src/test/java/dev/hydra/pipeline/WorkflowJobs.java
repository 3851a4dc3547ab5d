package dev.hydra.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hydra.credentials.Persona;
import dev.hydra.event.EventAction;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.label.Stage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * The review workflow's jobs as the wire tests run them against a fake forge: the two review jobs
 * at the same time, each a pipeline holding only its own persona's forge, then the decision job fed
 * their outputs the way Actions' {@code toJSON(needs)} does.
 */
final class WorkflowJobs {

  /** The four persona accounts of the fakes, as {@code HYDRA_PERSONA_LOGINS} names them. */
  static final Map<Persona, String> PERSONA_LOGINS =
      Map.of(
          Persona.BUILDER,
          "hydra-builder",
          Persona.REVIEWER,
          "hydra-reviewer",
          Persona.SECURITY,
          "hydra-security",
          Persona.APPLIER,
          "hydra-applier");

  /** A job's pipeline, holding the forges of exactly these personas. */
  @FunctionalInterface
  interface Job {
    Pipeline with(Persona... personas);
  }

  private WorkflowJobs() {}

  /** The pull request event of Hydra's own transition: the builder opened the draft PR. */
  static final Pipeline.Start OPENED_BY_THE_BUILDER =
      new Pipeline.Start(EventAction.OPENED, new Authority.Actor("hydra-builder", false));

  /** Both review jobs in parallel, for the builder's opened event, then the decision job. */
  static PipelineResult reviewsThenDecision(Job job, RepoRef repo, PullRequest pr)
      throws Exception {
    return reviewsThenDecision(job, repo, pr, OPENED_BY_THE_BUILDER);
  }

  /** Both review jobs in parallel, for the event {@code start}, then the decision job. */
  static PipelineResult reviewsThenDecision(
      Job job, RepoRef repo, PullRequest pr, Pipeline.Start event) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<PipelineResult> code =
          pool.submit(
              () -> {
                start.await();
                return job.with(Persona.REVIEWER).review(Stage.CODE_REVIEW, repo, pr, event);
              });
      Future<PipelineResult> security =
          pool.submit(
              () -> {
                start.await();
                return job.with(Persona.SECURITY).review(Stage.SECURITY_REVIEW, repo, pr, event);
              });
      start.countDown();
      String needs = needs(code.get(), security.get());
      return job.with(Persona.BUILDER, Persona.APPLIER)
          .decide(repo, pr, ReviewReport.fromNeeds(needs));
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code toJSON(needs)} as Actions builds it from the review jobs' {@code GITHUB_OUTPUT}. */
  static String needs(PipelineResult code, PipelineResult security) {
    ObjectNode needs = new ObjectMapper().createObjectNode();
    for (PipelineResult r : List.of(code, security)) {
      ObjectNode job = needs.putObject(r.stage());
      job.put("result", "success");
      ObjectNode outputs = job.putObject("outputs");
      ActionsOutput.outputs(r).forEach(outputs::put);
    }
    return needs.toString();
  }

  /**
   * Prints the requests per endpoint, with numbers, label names and users in paths generalised by
   * {@code generalise}.
   */
  @SuppressWarnings("SystemOut") // the measurement is the wire tests' report
  static void report(String title, List<ServeEvent> events, UnaryOperator<String> generalise) {
    Map<String, Integer> byEndpoint = new TreeMap<>();
    for (ServeEvent e : events) {
      String path = e.getRequest().getUrl().replaceFirst("\\?.*", "");
      path = generalise.apply(path).replaceAll("/\\d+", "/{n}");
      path = path.replaceAll("/collaborators/[^/]+/", "/collaborators/{user}/");
      byEndpoint.merge(e.getRequest().getMethod().getName() + " " + path, 1, Integer::sum);
    }
    System.out.println(title + ": " + events.size() + " requests");
    byEndpoint.forEach((k, v) -> System.out.println("  " + v + "  " + k));
  }
}
