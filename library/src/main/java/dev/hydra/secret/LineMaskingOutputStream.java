package dev.hydra.secret;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An output stream that masks secrets line by line before passing the text on, for streamed process
 * output (a container's stdout and stderr).
 *
 * <p>Bytes are decoded as UTF-8 (malformed input becomes U+FFFD) and held until a line feed, so a
 * secret written in several {@code write} calls within one line is still masked. {@link #flush()}
 * flushes the target but never releases a partial line; {@link #close()} masks and writes the rest
 * and closes the target.
 *
 * <p>To bound memory when a line never ends, a line longer than {@link #MAX_LINE_CHARS} is released
 * in pieces: everything except the last stretch that could still begin a secret is masked and
 * written, and the matches already found carry over into the next piece, so cutting a line never
 * leaks a secret.
 *
 * <p>Thread-safe: every method is synchronized.
 */
public final class LineMaskingOutputStream extends OutputStream {

  /** Longest line held before it is released in pieces. */
  public static final int MAX_LINE_CHARS = 1 << 20;

  private final SecretMasker masker;
  private final OutputStream out;
  private final int maxLineChars;
  private final int keep;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer bytes = ByteBuffer.allocate(8192);
  private final CharBuffer chars = CharBuffer.allocate(8192);
  private final StringBuilder line = new StringBuilder();

  /**
   * Length of the masked prefix of {@link #line} carried over from the piece released before it,
   * which already ended in a mask for it.
   */
  private int carriedMask;

  private boolean closed;

  /**
   * Wraps a stream.
   *
   * @param masker the secrets to mask
   * @param out where masked UTF-8 text goes
   */
  public LineMaskingOutputStream(SecretMasker masker, OutputStream out) {
    this(masker, out, MAX_LINE_CHARS);
  }

  LineMaskingOutputStream(SecretMasker masker, OutputStream out, int maxLineChars) {
    this.masker = masker;
    this.out = out;
    // A match that is still incomplete starts at most maxFormLength - 1 characters before the end,
    // one more for a partial base64 character on its left; matches ending earlier widen by at most
    // three characters to the right.
    this.keep = masker.maxFormLength() + 4;
    if (maxLineChars <= keep) {
      throw new IllegalArgumentException(
          "maxLineChars must exceed the longest secret form plus 4 (" + keep + ")");
    }
    this.maxLineChars = maxLineChars;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    Objects.checkFromIndexSize(off, len, b.length);
    int pos = off;
    int end = off + len;
    while (pos < end) {
      int n = Math.min(bytes.remaining(), end - pos);
      bytes.put(b, pos, n);
      pos += n;
      decode(false);
    }
  }

  /** Flushes the target; a partial line stays held until its line feed or {@link #close()}. */
  @Override
  public synchronized void flush() throws IOException {
    ensureOpen();
    out.flush();
  }

  /** Masks and writes a partial last line, then closes the target. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      decode(true);
      if (line.length() > 0 || carriedMask > 0) {
        emit(line.length(), false);
      }
      out.flush();
    } finally {
      closed = true;
      out.close();
    }
  }

  private void decode(boolean endOfInput) throws IOException {
    bytes.flip();
    while (true) {
      CoderResult result = decoder.decode(bytes, chars, endOfInput);
      drain();
      if (result.isUnderflow()) {
        break;
      }
    }
    if (endOfInput) {
      while (decoder.flush(chars).isOverflow()) {
        drain();
      }
      drain();
    }
    bytes.compact();
  }

  private void drain() throws IOException {
    chars.flip();
    while (chars.hasRemaining()) {
      char c = chars.get();
      if (c == '\n') {
        emit(line.length(), true);
      } else {
        line.append(c);
        if (line.length() > maxLineChars) {
          releasePiece();
        }
      }
    }
    chars.clear();
  }

  /** Masks and writes the whole held line, with a line feed when it ended in one. */
  private void emit(int length, boolean newline) throws IOException {
    int[] spans = withCarried(masker.spans(line));
    String text = SecretMasker.render(line, 0, length, spans, carriedMask > 0);
    out.write((newline ? text + "\n" : text).getBytes(StandardCharsets.UTF_8));
    line.setLength(0);
    carriedMask = 0;
  }

  /** Writes all of an over-long line except the tail that could still begin a secret. */
  private void releasePiece() throws IOException {
    int[] spans = withCarried(masker.spans(line));
    int cut = line.length() - keep;
    String text = SecretMasker.render(line, 0, cut, spans, carriedMask > 0);
    out.write(text.getBytes(StandardCharsets.UTF_8));
    int carried = 0;
    for (int k = 0; k < spans.length; k += 2) {
      if (spans[k] < cut && spans[k + 1] >= cut) {
        carried = spans[k + 1] - cut + 1;
      }
    }
    line.delete(0, cut);
    carriedMask = carried;
  }

  /** Adds the carried-over masked prefix {@code [0, carriedMask)} to the spans found. */
  private int[] withCarried(int[] spans) {
    if (carriedMask == 0) {
      return spans;
    }
    int end = carriedMask - 1;
    int skip = 0;
    while (skip < spans.length && spans[skip] <= end + 1) {
      end = Math.max(end, spans[skip + 1]);
      skip += 2;
    }
    int[] merged = new int[spans.length - skip + 2];
    merged[0] = 0;
    merged[1] = end;
    System.arraycopy(spans, skip, merged, 2, spans.length - skip);
    return merged;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }

  @Override
  public String toString() {
    return "LineMaskingOutputStream[held=" + line.length() + ", target=" + out + "]";
  }
}
