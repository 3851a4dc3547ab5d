package dev.hydra.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import dev.hydra.forge.Issue;
import dev.hydra.forge.PullRequest;
import dev.hydra.forge.RepoRef;
import dev.hydra.json.Json;
import dev.hydra.text.Texts;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Parses a workflow event payload of either forge into a {@link ForgeEvent}.
 *
 * <p>Only the fields Hydra uses are read; everything else is ignored, so newer forge versions do
 * not break parsing. A field Hydra needs that is missing or of the wrong type is an error naming
 * the field, never a silent default.
 */
public final class EventParser {

  private static final String FIX_PAYLOAD =
      "pass the file Actions wrote to GITHUB_EVENT_PATH for this event";

  private EventParser() {}

  /**
   * Parses a payload.
   *
   * @param name the event name ({@code GITHUB_EVENT_NAME})
   * @param payload the payload as UTF-8 JSON
   * @param fallbackRepository the repository from {@code GITHUB_REPOSITORY}, used when the payload
   *     has none (GitHub's {@code schedule} payload carries only the cron line)
   * @return the normalised event
   * @throws InvalidEventException when the payload is not JSON, not an object, or lacks a field
   *     this event needs
   */
  public static ForgeEvent parse(
      EventName name, byte[] payload, Optional<RepoRef> fallbackRepository)
      throws InvalidEventException {
    Map<?, ?> root = readTree(payload);
    Reader in = new Reader(name, root);
    String rawAction = in.optionalText("action").orElse("");
    EventAction action = EventAction.normalise(rawAction);
    RepoRef repository = in.repository(fallbackRepository);
    String defaultBranch = in.optionalText("repository.default_branch").orElse("");
    String sender = in.firstText("sender.login", "sender.username").orElse("");
    // GitHub's sender.type: a bot never carries authority (a `[bot]` login is one anyway).
    boolean bot = in.at("sender.type") instanceof String type && type.equalsIgnoreCase("Bot");

    if ((name == EventName.ISSUES || name == EventName.PULL_REQUEST)
        && action == EventAction.NONE) {
      throw in.missing("action");
    }
    ForgeEvent.Origin origin = new ForgeEvent.Origin(repository, defaultBranch, sender, bot);
    return switch (name) {
      case ISSUES -> ForgeEvent.ofIssue(origin, rawAction, in.label(), in.issue(action));
      case PULL_REQUEST ->
          ForgeEvent.ofPullRequest(origin, rawAction, in.label(), in.pullRequest());
      case PUSH -> ForgeEvent.push(origin, in.requiredText("ref"));
      case WORKFLOW_DISPATCH ->
          ForgeEvent.workflowDispatch(origin, in.optionalText("ref").orElse(null));
      case SCHEDULE -> ForgeEvent.schedule(origin, in.optionalText("ref").orElse(null));
    };
  }

  private static Map<?, ?> readTree(byte[] payload) throws InvalidEventException {
    if (isBlank(payload)) {
      throw new InvalidEventException("event payload is empty; " + FIX_PAYLOAD);
    }
    requireUtf8(payload);
    Object root;
    try (JsonParser parser = Json.lite().createParser(payload)) {
      root = Json.lite().anyFrom(parser);
      JsonLocation more = trailingContent(parser);
      if (more != null) {
        throw new InvalidEventException(
            "event payload has more after the end of its JSON value"
                + where(more)
                + "; "
                + FIX_PAYLOAD);
      }
    } catch (JacksonException e) {
      String where = where(e.getLocation());
      String detail = e.getOriginalMessage();
      throw new InvalidEventException(
          "event payload is not valid JSON"
              + where
              + ": "
              + Texts.escape(detail == null ? e.getClass().getSimpleName() : detail, 160)
              + "; "
              + FIX_PAYLOAD,
          e);
    } catch (IOException e) {
      throw new InvalidEventException(
          "event payload cannot be read: " + Texts.escape(String.valueOf(e.getMessage()), 160), e);
    }
    if (root instanceof Map<?, ?> map) {
      return map;
    }
    throw new InvalidEventException(
        "event payload must be a JSON object, got " + kind(root) + "; " + FIX_PAYLOAD);
  }

  // Jackson decodes some invalid UTF-8 instead of refusing it (the overlong C0 AF becomes '/',
  // F4 90 80 80 a code point above U+10FFFF); the JDK decoder follows RFC 3629 strictly.
  private static void requireUtf8(byte[] payload) throws InvalidEventException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(payload);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw new InvalidEventException(
            "event payload is not valid UTF-8 (byte offset " + in.position() + "); " + FIX_PAYLOAD);
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear();
    }
  }

  // A second value after the first ("{...} {...}", "{...} x") is not one JSON document: refuse
  // it, as duplicate keys are refused, rather than guess which part was meant.
  private static @Nullable JsonLocation trailingContent(JsonParser parser) throws IOException {
    try {
      return parser.nextToken() == null ? null : parser.currentTokenLocation();
    } catch (JacksonException e) {
      return e.getLocation() == null ? parser.currentLocation() : e.getLocation();
    }
  }

  private static String where(@Nullable JsonLocation at) {
    return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  private static boolean isBlank(byte[] payload) {
    for (byte b : payload) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static String kind(@Nullable Object node) {
    return node == null
        ? "null"
        : node instanceof Map
            ? "an object"
            : node instanceof List || node instanceof Object[]
                ? "an array"
                : node instanceof Boolean
                    ? "a boolean"
                    : node instanceof Number
                        ? "a number"
                        : node instanceof CharSequence ? "a string" : "a value";
  }

  /** Marks a path that is absent or JSON null. */
  private static final Object MISSING = new Object();

  /** Typed access to the payload's fields, with errors that name the dotted path. */
  private static final class Reader {
    private final EventName name;
    private final Map<?, ?> root;

    Reader(EventName name, Map<?, ?> root) {
      this.name = name;
      this.root = root;
    }

    RepoRef repository(Optional<RepoRef> fallback) throws InvalidEventException {
      Optional<String> fullName = optionalText("repository.full_name");
      if (fullName.isEmpty()) {
        Optional<String> owner = firstText("repository.owner.login", "repository.owner.username");
        Optional<String> repoName = optionalText("repository.name");
        if (owner.isPresent() && repoName.isPresent()) {
          fullName = Optional.of(owner.get() + "/" + repoName.get());
        }
      }
      if (fullName.isEmpty()) {
        return fallback.orElseThrow(
            () ->
                new InvalidEventException(
                    name
                        + " payload has no repository.full_name and GITHUB_REPOSITORY is not set; "
                        + FIX_PAYLOAD
                        + ", or set GITHUB_REPOSITORY=owner/name"));
      }
      try {
        return RepoRef.parse(fullName.get());
      } catch (IllegalArgumentException e) {
        throw new InvalidEventException(
            "field `repository.full_name` of the " + name + " payload: " + e.getMessage());
      }
    }

    @Nullable String label() throws InvalidEventException {
      Object label = at("label");
      if (label == MISSING) {
        return null;
      }
      if (!(label instanceof Map)) {
        throw wrongType("label", "an object", label);
      }
      return requiredText("label.name");
    }

    Issue issue(EventAction action) throws InvalidEventException {
      requireObject("issue");
      // Only a label event can start a stage, so only there is the state required: GitHub's
      // issues.pinned and issues.unpinned payloads may leave it out. Unknown is never open.
      boolean open =
          (action == EventAction.LABELED || at("issue.state") != MISSING) && isOpen("issue.state");
      return new Issue(
          positiveInt("issue.number"),
          optionalText("issue.title").orElse(""),
          optionalText("issue.body").orElse(""),
          open,
          firstText("issue.user.login", "issue.user.username").orElse(""),
          labelNames("issue.labels"),
          at("issue.pull_request") != MISSING);
    }

    PullRequest pullRequest() throws InvalidEventException {
      requireObject("pull_request");
      // Read in the payload's order, so the first bad field is the one named.
      int number = positiveInt("pull_request.number");
      String title = optionalText("pull_request.title").orElse("");
      String body = optionalText("pull_request.body").orElse("");
      boolean open = isOpen("pull_request.state");
      boolean merged = optionalBoolean("pull_request.merged");
      boolean draft = optionalBoolean("pull_request.draft");
      String head = requiredText("pull_request.head.ref");
      String headSha = optionalText("pull_request.head.sha").orElse("");
      String headRepository = optionalText("pull_request.head.repo.full_name").orElse("");
      String base = requiredText("pull_request.base.ref");
      List<String> labels = labelNames("pull_request.labels");
      String author = optionalText("pull_request.user.login").orElse("");
      String nodeId = optionalText("pull_request.node_id").orElse("");
      String url = optionalText("pull_request.html_url").orElse("");
      return new PullRequest(
          number,
          title,
          body,
          open,
          draft,
          merged,
          head,
          headSha,
          base,
          url,
          author,
          nodeId,
          headRepository,
          labels);
    }

    private boolean isOpen(String path) throws InvalidEventException {
      String state = requiredText(path);
      return switch (state) {
        case "open" -> true;
        case "closed" -> false;
        default ->
            throw new InvalidEventException(
                "field `"
                    + path
                    + "` of the "
                    + name
                    + " payload must be `open` or `closed`, got "
                    + Texts.quote(state)
                    + "; "
                    + FIX_PAYLOAD);
      };
    }

    private List<String> labelNames(String path) throws InvalidEventException {
      Object labels = at(path);
      if (labels == MISSING) {
        return List.of();
      }
      if (!(labels instanceof List<?> list)) {
        throw wrongType(path, "an array of labels", labels);
      }
      List<String> names = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        Object label = list.get(i);
        String item = path + "[" + i + "]";
        if (!(label instanceof Map<?, ?> map)) {
          throw wrongType(item, "a label object", label);
        }
        Object labelName = map.get("name");
        if (!(labelName instanceof String text)) {
          throw labelName == null
              ? missing(item + ".name")
              : wrongType(item + ".name", "a string", labelName);
        }
        names.add(text);
      }
      return names;
    }

    private void requireObject(String path) throws InvalidEventException {
      Object node = at(path);
      if (node == MISSING) {
        throw missing(path);
      }
      if (!(node instanceof Map)) {
        throw wrongType(path, "an object", node);
      }
    }

    private int positiveInt(String path) throws InvalidEventException {
      Object node = at(path);
      if (node == MISSING) {
        throw missing(path);
      }
      if ((node instanceof Integer || node instanceof Long || node instanceof BigInteger)
          && ((Number) node).longValue() >= 1
          && ((Number) node).longValue() <= Integer.MAX_VALUE
          && !(node instanceof BigInteger big && big.bitLength() > 31)) {
        return ((Number) node).intValue();
      }
      throw wrongType(path, "a positive whole number", node);
    }

    private boolean optionalBoolean(String path) throws InvalidEventException {
      Object node = at(path);
      if (node == MISSING) {
        return false;
      }
      if (!(node instanceof Boolean bool)) {
        throw wrongType(path, "true or false", node);
      }
      return bool;
    }

    String requiredText(String path) throws InvalidEventException {
      Object node = at(path);
      if (node == MISSING) {
        throw missing(path);
      }
      if (!(node instanceof String text)) {
        throw wrongType(path, "a string", node);
      }
      return text;
    }

    Optional<String> optionalText(String path) throws InvalidEventException {
      Object node = at(path);
      if (node == MISSING) {
        return Optional.empty();
      }
      if (!(node instanceof String text)) {
        throw wrongType(path, "a string", node);
      }
      return Optional.of(text);
    }

    Optional<String> firstText(String... paths) throws InvalidEventException {
      for (String path : paths) {
        Optional<String> text = optionalText(path);
        if (text.isPresent()) {
          return text;
        }
      }
      return Optional.empty();
    }

    // Walks a dotted path; any step that is absent, null or not an object ends in MISSING.
    Object at(String path) {
      Object node = root;
      int start = 0;
      while (true) {
        int dot = path.indexOf('.', start);
        String part = dot < 0 ? path.substring(start) : path.substring(start, dot);
        if (!(node instanceof Map<?, ?> map)) {
          return MISSING;
        }
        Object next = map.get(part);
        if (next == null) {
          return MISSING;
        }
        if (dot < 0) {
          return next;
        }
        node = next;
        start = dot + 1;
      }
    }

    InvalidEventException missing(String path) {
      return new InvalidEventException(
          name
              + " payload has no field `"
              + path
              + "`; "
              + FIX_PAYLOAD
              + " (is --event-name right for this file?)");
    }

    private InvalidEventException wrongType(String path, String expected, Object got) {
      String value =
          got instanceof String || got instanceof Number || got instanceof Boolean
              ? " " + Texts.quote(String.valueOf(got))
              : "";
      return new InvalidEventException(
          "field `"
              + path
              + "` of the "
              + name
              + " payload must be "
              + expected
              + ", got "
              + kind(got)
              + value
              + "; "
              + FIX_PAYLOAD);
    }
  }
}
