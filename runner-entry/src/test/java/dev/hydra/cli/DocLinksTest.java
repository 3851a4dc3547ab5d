package dev.hydra.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link and anchor in the project's Markdown (README.md, ARCHITECTURE.md, docs/*.md,
 * images/README.md) resolves: the file exists, and an anchor names a heading of that file as GitHub
 * makes its id (lower case, punctuation dropped, spaces to hyphens, {@code -1}, {@code -2} for
 * repeats). Links inside code (fenced blocks, backticks) are text, not links, and are not checked.
 */
class DocLinksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern REFERENCE = Pattern.compile("(?m)^\\s{0,3}\\[[^\\]]+\\]:\\s+(\\S+)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");

  @TempDir Path dir;

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<Path> pages = pages(ROOT);
    assertThat(pages)
        .as("the pages checked")
        .contains(
            ROOT.resolve("README.md"),
            ROOT.resolve("docs/cli.md"),
            ROOT.resolve("docs/troubleshooting.md"),
            ROOT.resolve("docs/adopting-github.md"),
            ROOT.resolve("docs/adopting-forgejo.md"));
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readString(page, StandardCharsets.UTF_8))) {
        checked++;
        String problem = problem(page, target);
        if (!problem.isEmpty()) {
          broken.add(ROOT.relativize(page) + ": " + target + " — " + problem);
        }
      }
    }
    assertThat(checked).as("links found").isGreaterThan(80);
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void aMissingFileAMissingAnchorAndAnAnchorOfAnotherPageAreCaught() throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(
        dir.resolve("docs/a.md"),
        """
        # A page

        ## `hydra demo`

        ## Runner ⇄ image contract (v2)

        ## Step 2. Secrets

        ## Step 2. Secrets
        """);
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        """
        [ok](docs/a.md#hydra-demo) [ok](docs/a.md#runner--image-contract-v2)
        [ok](docs/a.md#step-2-secrets-1) [ok](#top) [web](https://example.org/x.md)
        [gone](docs/missing.md) [no anchor](docs/a.md#hydra-run)
        [self](#nowhere) `[code](not-a-link.md)`
        ```
        [fenced](also-not-a-link.md)
        ```
        [ref]: docs/gone-too.md
        # Top
        """);
    Map<String, String> problems = new HashMap<>();
    for (String target : links(Files.readString(readme, StandardCharsets.UTF_8))) {
      String problem = problem(readme, target);
      if (!problem.isEmpty()) {
        problems.put(target, problem);
      }
    }
    assertThat(problems)
        .containsOnlyKeys("docs/missing.md", "docs/a.md#hydra-run", "#nowhere", "docs/gone-too.md");
    assertThat(problems.get("docs/a.md#hydra-run")).contains("hydra-demo");
  }

  @Test
  void anchorsAreMadeAsGitHubMakesThem() {
    assertThat(anchors("## `hydra init`\n## 2. Secrets and variables\n## 2. Secrets and variables"))
        .containsExactly("hydra-init", "2-secrets-and-variables", "2-secrets-and-variables-1");
    assertThat(anchors("### The action's own steps (issue 12, item 2)"))
        .containsExactly("the-actions-own-steps-issue-12-item-2");
    assertThat(anchors("## Egress: the NetworkPolicy is the firewall"))
        .containsExactly("egress-the-networkpolicy-is-the-firewall");
  }

  /** README.md, ARCHITECTURE.md, docs/*.md and images/README.md under a root. */
  static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>();
    for (String top : List.of("README.md", "ARCHITECTURE.md", "images/README.md")) {
      if (Files.isRegularFile(root.resolve(top))) {
        pages.add(root.resolve(top));
      }
    }
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The link targets of a page that are not in code and not absolute URLs. */
  static List<String> links(String markdown) {
    String text = withoutCode(markdown);
    List<String> targets = new ArrayList<>();
    for (Pattern pattern : List.of(LINK, REFERENCE)) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (!target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
          targets.add(target);
        }
      }
    }
    return targets;
  }

  /** Empty when the target resolves from the page, else what is wrong. */
  static String problem(Path page, String target) throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (hash < 0 || !resolved.toString().endsWith(".md")) {
      return "";
    }
    String anchor = target.substring(hash + 1);
    Set<String> anchors = anchors(Files.readString(resolved, StandardCharsets.UTF_8));
    return anchors.contains(anchor) ? "" : "no heading with that anchor; there are " + anchors;
  }

  /** The anchors GitHub gives the headings of a page, in order. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    Matcher m = HEADING.matcher(withoutFences(markdown));
    while (m.find()) {
      String slug =
          m.group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N}\\p{Mn}\\p{Pc} -]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  private static String withoutCode(String markdown) {
    return withoutFences(markdown).replaceAll("`[^`\\n]*`", "");
  }

  private static String withoutFences(String markdown) {
    return markdown.replaceAll("(?ms)^\\s*```.*?^\\s*```[^\\n]*$", "");
  }
}
