package dev.hydra.secret;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Replaces every occurrence of every secret, in every form it may take in output, with {@value
 * #MASK}.
 *
 * <p>The forms (see {@code SecretForms}): raw; base64 and base64url, padded or not, at any of the
 * three byte alignments inside a longer encoded string (so {@code base64("x-access-token:" +
 * token)} and {@code base64(user + ":" + token)} are covered); percent-encoded with upper- and
 * lower-case hex; JSON-escaped as Jackson and Gson write it, with and without {@code \/}; XML; and
 * shell-escaped (single-quoted, double-quoted, {@code printf %q}).
 *
 * <p>All forms are compiled once into an Aho–Corasick automaton, so {@link #mask(String)} reads
 * each character a constant number of times whatever the input: no regular expression, no
 * backtracking. Overlapping and adjacent matches are merged before replacing, so the longest match
 * always wins and no fragment of a secret survives between two masks.
 *
 * <p><b>Masking is per line.</b> A secret split over two calls is not found; callers mask whole
 * lines, which {@link LineMaskingOutputStream} does for streams. A base64 blob wrapped over several
 * lines (MIME, PEM) is not recognised.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SecretMasker {

  /** What a secret is replaced with. */
  public static final String MASK = "***";

  /** A masker that masks nothing. */
  public static final SecretMasker NONE = new SecretMasker(List.of());

  private final Node root = new Node();
  private final int maxFormLength;

  private SecretMasker(List<SecretForms.Form> forms) {
    int max = 0;
    for (SecretForms.Form form : forms) {
      insert(form);
      max = Math.max(max, form.text().length());
    }
    this.maxFormLength = max;
    link();
  }

  /**
   * Builds a masker for these secrets.
   *
   * @throws IllegalArgumentException when a secret is shorter than {@value
   *     Secret#MIN_MASKABLE_LENGTH} characters: masking it would mask ordinary text, and it is no
   *     real token. The message names the secret, never its value.
   */
  public static SecretMasker of(Collection<Secret> secrets) {
    Map<String, SecretForms.Form> forms = new LinkedHashMap<>();
    for (Secret secret : secrets) {
      checkLength(secret);
      for (SecretForms.Form form : SecretForms.of(secret.reveal())) {
        forms.merge(form.text(), form, SecretMasker::wider);
      }
    }
    return forms.isEmpty() ? NONE : new SecretMasker(List.copyOf(forms.values()));
  }

  /**
   * Refuses a secret too short to mask.
   *
   * @throws IllegalArgumentException naming the secret, never its value
   */
  static void checkLength(Secret secret) {
    if (secret.length() < Secret.MIN_MASKABLE_LENGTH) {
      throw new IllegalArgumentException(
          "secret "
              + secret.name()
              + " has "
              + secret.length()
              + " characters; at least "
              + Secret.MIN_MASKABLE_LENGTH
              + " are needed to mask it without masking ordinary text, so use the real token");
    }
  }

  /** True when this masker masks nothing. */
  public boolean isEmpty() {
    return maxFormLength == 0;
  }

  /**
   * Masks one line.
   *
   * @param line a whole line of output (it may contain line breaks; matches never span two calls)
   * @return the line with every form of every secret replaced by {@value #MASK}; the same instance
   *     when nothing was masked
   */
  public String mask(String line) {
    int[] spans = spans(line);
    return spans.length == 0 ? line : render(line, 0, line.length(), spans, false);
  }

  /**
   * Masks one line, and also a secret that only shows once the line's JSON string escapes are
   * decoded ({@code \}{@code u0067hp_…}, {@code \/}, any mix of escaped and plain characters),
   * which no list of literal forms can cover. When the decoded line holds a secret, the decoded
   * line is returned, masked; otherwise the line as {@link #mask} returns it. Escapes that decode
   * to control characters (line breaks included) are left escaped, so the result stays one line.
   *
   * <p>For text a reader may decode: log lines of JSON (a verdict line, stream-json), and a forge's
   * error body or a client library's message quoting one.
   */
  public String maskDecoded(String line) {
    String masked = mask(line);
    if (isEmpty() || line.indexOf('\\') < 0) {
      return masked;
    }
    String decoded = unescapeJson(line);
    if (decoded.equals(line)) {
      return masked;
    }
    int[] spans = spans(decoded);
    return spans.length == 0 ? masked : render(decoded, 0, decoded.length(), spans, false);
  }

  /**
   * Decodes JSON string escapes wherever they are; escapes of control characters and malformed
   * escapes stay as written.
   */
  static String unescapeJson(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 >= length) {
        out.append(c);
        continue;
      }
      char next = text.charAt(i + 1);
      switch (next) {
        case '"', '\\', '/' -> {
          out.append(next);
          i++;
        }
        case 'u' -> {
          int code = i + 6 <= length ? hex4(text, i + 2) : -1;
          if (code >= 0x20 && !Character.isISOControl(code) && code != 0x2028 && code != 0x2029) {
            out.append((char) code);
            i += 5;
          } else {
            out.append(c);
          }
        }
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static int hex4(String text, int from) {
    int value = 0;
    for (int k = from; k < from + 4; k++) {
      int digit = Character.digit(text.charAt(k), 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /** Longest literal searched for; a streaming caller keeps this many characters (plus 4). */
  int maxFormLength() {
    return maxFormLength;
  }

  /**
   * Finds what to mask: merged, sorted, inclusive {@code [start, end]} pairs, flattened.
   * Overlapping and adjacent matches are merged.
   */
  int[] spans(CharSequence text) {
    if (maxFormLength == 0) {
      return new int[0];
    }
    int[] spans = new int[8];
    int count = 0; // pairs
    int length = text.length();
    Node state = root;
    for (int i = 0; i < length; i++) {
      state = step(state, text.charAt(i));
      if (state.maxLen == 0) {
        continue;
      }
      int start = i - state.maxLen + 1;
      if (state.maxLenLeft > state.maxLen) {
        int wider = i - state.maxLenLeft + 1;
        if (wider >= 0 && isBase64(text.charAt(wider))) {
          start = wider;
        }
      }
      int end = i;
      if (state.right == SecretForms.Right.PARTIAL_AND_PADDING
          && end + 1 < length
          && isBase64(text.charAt(end + 1))) {
        end++;
      }
      if (state.right != SecretForms.Right.NONE) {
        for (int pad = 0; pad < 2 && end + 1 < length && text.charAt(end + 1) == '='; pad++) {
          end++;
        }
      }
      // Merge with earlier spans that overlap or touch; they are sorted and disjoint.
      while (count > 0 && start <= spans[2 * count - 1] + 1) {
        start = Math.min(start, spans[2 * count - 2]);
        end = Math.max(end, spans[2 * count - 1]);
        count--;
      }
      if (2 * count + 2 > spans.length) {
        spans = Arrays.copyOf(spans, spans.length * 2);
      }
      spans[2 * count] = start;
      spans[2 * count + 1] = end;
      count++;
    }
    return Arrays.copyOf(spans, 2 * count);
  }

  /**
   * Writes {@code text[from, to)} with the spans that fall inside it masked; a span cut by {@code
   * from} or {@code to} is masked as far as it reaches.
   *
   * @param skipLeadingMask leave out the mask of a span that starts at {@code from}, because the
   *     previous piece of the same line already ended in one
   */
  static String render(CharSequence text, int from, int to, int[] spans, boolean skipLeadingMask) {
    StringBuilder out = new StringBuilder(to - from + 16);
    int pos = from;
    for (int k = 0; k < spans.length; k += 2) {
      int start = Math.max(spans[k], from);
      int end = Math.min(spans[k + 1] + 1, to);
      if (end <= start) {
        continue;
      }
      out.append(text, pos, start);
      if (!(skipLeadingMask && start == from)) {
        out.append(MASK);
      }
      pos = end;
    }
    out.append(text, pos, to);
    return out.toString();
  }

  private static boolean isBase64(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/'
        || c == '-'
        || c == '_';
  }

  private static SecretForms.Form wider(SecretForms.Form a, SecretForms.Form b) {
    return new SecretForms.Form(
        a.text(), a.leftPartial() || b.leftPartial(), widest(a.right(), b.right()), a.kind());
  }

  private static SecretForms.Right widest(SecretForms.Right a, SecretForms.Right b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  // ---- Aho–Corasick ---------------------------------------------------------------------------

  /** A trie node; after {@link #link()}, also the automaton state. */
  private static final class Node {
    char[] keys = new char[0];
    Node[] next = new Node[0];
    Node fail;

    /** Longest form ending here (this node's own or through the failure chain); 0 when none. */
    int maxLen;

    /** Longest (form length + 1) among forms ending here whose left neighbour may be masked. */
    int maxLenLeft;

    /** Widest widening to the right among forms ending here. */
    SecretForms.Right right = SecretForms.Right.NONE;

    Node() {
      this.fail = this;
    }

    @Nullable Node child(char c) {
      int i = Arrays.binarySearch(keys, c);
      return i >= 0 ? next[i] : null;
    }

    Node addChild(char c) {
      int i = Arrays.binarySearch(keys, c);
      if (i >= 0) {
        return next[i];
      }
      int at = -i - 1;
      Node node = new Node();
      char[] k = new char[keys.length + 1];
      Node[] n = new Node[next.length + 1];
      System.arraycopy(keys, 0, k, 0, at);
      System.arraycopy(next, 0, n, 0, at);
      k[at] = c;
      n[at] = node;
      System.arraycopy(keys, at, k, at + 1, keys.length - at);
      System.arraycopy(next, at, n, at + 1, next.length - at);
      keys = k;
      next = n;
      return node;
    }
  }

  private void insert(SecretForms.Form form) {
    Node node = root;
    String text = form.text();
    for (int i = 0; i < text.length(); i++) {
      node = node.addChild(text.charAt(i));
    }
    node.maxLen = Math.max(node.maxLen, text.length());
    if (form.leftPartial()) {
      node.maxLenLeft = Math.max(node.maxLenLeft, text.length() + 1);
    }
    node.right = widest(node.right, form.right());
  }

  /** Sets failure links breadth-first and folds each state's outputs into it. */
  private void link() {
    ArrayDeque<Node> queue = new ArrayDeque<>();
    for (Node child : root.next) {
      child.fail = root;
      queue.add(child);
    }
    while (!queue.isEmpty()) {
      Node node = queue.poll();
      Node fail = node.fail;
      node.maxLen = Math.max(node.maxLen, fail.maxLen);
      node.maxLenLeft = Math.max(node.maxLenLeft, fail.maxLenLeft);
      node.right = widest(node.right, fail.right);
      for (int i = 0; i < node.keys.length; i++) {
        Node child = node.next[i];
        child.fail = step(fail, node.keys[i]);
        queue.add(child);
      }
    }
  }

  private Node step(Node state, char c) {
    Node s = state;
    while (true) {
      Node next = s.child(c);
      if (next != null) {
        return next;
      }
      if (s == root) {
        return root;
      }
      s = s.fail;
    }
  }
}
