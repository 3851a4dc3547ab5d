package dev.hydra.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hydra.credentials.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineMaskingOutputStreamTest {

  static final String TOKEN = TestTokens.github(5);
  static final String OTHER = TestTokens.claude(6);
  static final SecretMasker MASKER =
      SecretMasker.of(List.of(Secret.of("a", TOKEN), Secret.of("b", OTHER)));

  final ByteArrayOutputStream sink = new ByteArrayOutputStream();

  String out() {
    return sink.toString(StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 10, 20, 39})
  void aSecretSplitOverTwoWritesWithinALineIsMasked(int at) throws IOException {
    try (OutputStream stream = new LineMaskingOutputStream(MASKER, sink)) {
      byte[] line = utf8("token=" + TOKEN + " end\n");
      stream.write(line, 0, 6 + at);
      stream.write(line, 6 + at, line.length - 6 - at);
    }
    assertThat(out()).isEqualTo("token=*** end\n");
  }

  @Test
  void byteByByteWritesAreMaskedToo() throws IOException {
    try (OutputStream stream = new LineMaskingOutputStream(MASKER, sink)) {
      for (byte b : utf8("ä " + OTHER + " 🔑\r\nnext " + TOKEN + "\n")) {
        stream.write(b);
      }
    }
    assertThat(out()).isEqualTo("ä *** 🔑\r\nnext ***\n");
  }

  @Test
  void aPartialLineIsHeldThroughFlushAndWrittenMaskedOnClose() throws IOException {
    LineMaskingOutputStream stream = new LineMaskingOutputStream(MASKER, sink);
    stream.write(utf8("done\nprogress " + TOKEN.substring(0, 10)));
    stream.flush();
    assertThat(out()).isEqualTo("done\n");
    stream.write(utf8(TOKEN.substring(10)));
    stream.flush();
    assertThat(out()).isEqualTo("done\n");
    stream.close();
    assertThat(out()).isEqualTo("done\nprogress ***");
  }

  @Test
  void textWithoutSecretsPassesUnchangedIncludingMultiByteCharactersSplitAcrossWrites()
      throws IOException {
    byte[] text = utf8("日本語 e\u0301 🔑\nsecond line\n\nlast");
    try (OutputStream stream = new LineMaskingOutputStream(MASKER, sink)) {
      for (int i = 0; i < text.length; i += 2) {
        stream.write(text, i, Math.min(2, text.length - i));
      }
    }
    assertThat(sink.toByteArray()).isEqualTo(text);
  }

  @Test
  void malformedUtf8BecomesReplacementCharacters() throws IOException {
    try (OutputStream stream = new LineMaskingOutputStream(MASKER, sink)) {
      stream.write(new byte[] {'a', (byte) 0xC3, '\n', (byte) 0xFF, 'b'});
    }
    assertThat(out()).isEqualTo("a\uFFFD\n\uFFFDb");
  }

  @Test
  void anOverlongLineIsReleasedInPiecesWithoutLeakingAcrossTheCuts() throws IOException {
    int limit = MASKER.maxFormLength() + 20;
    Random random = new Random(42);
    StringBuilder expected = new StringBuilder();
    StringBuilder written = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      String filler = "x".repeat(random.nextInt(limit));
      written.append(filler).append(i % 2 == 0 ? TOKEN : Encodings.base64(utf8("u:" + OTHER)));
      expected
          .append(filler)
          .append(i % 2 == 0 ? "***" : Encodings.base64(utf8("u:")).substring(0, 2) + "***");
    }
    try (OutputStream stream = new LineMaskingOutputStream(MASKER, sink, limit)) {
      byte[] bytes = utf8(written.toString());
      for (int i = 0; i < bytes.length; i += 7) {
        stream.write(bytes, i, Math.min(7, bytes.length - i));
      }
      // Pieces were released before the line ended.
      assertThat(sink.size()).isGreaterThan(0);
    }
    Oracle.assertNothingRecoverable(out(), TOKEN);
    Oracle.assertNothingRecoverable(out(), OTHER);
    // Adjacent masks (a cut inside a secret, two secrets in a row) read as one.
    assertThat(oneMask(out())).isEqualTo(oneMask(expected.toString()));
  }

  static String oneMask(String text) {
    String result = text;
    while (result.contains("******")) {
      result = result.replace("******", "***");
    }
    return result;
  }

  @Test
  void anEndlessRunOfOneSecretStaysMasked() throws IOException {
    SecretMasker masker = SecretMasker.of(List.of(Secret.of("s", "abababab")));
    int limit = masker.maxFormLength() + 10;
    try (OutputStream stream = new LineMaskingOutputStream(masker, sink, limit)) {
      for (int i = 0; i < 2000; i++) {
        stream.write(utf8("ab"));
      }
      stream.write('\n');
    }
    assertThat(out()).isEqualTo("***\n");
  }

  @Test
  void writingAfterCloseFailsAndCloseIsIdempotent() throws IOException {
    LineMaskingOutputStream stream = new LineMaskingOutputStream(MASKER, sink);
    stream.close();
    stream.close();
    assertThatThrownBy(() -> stream.write('a')).isInstanceOf(IOException.class);
  }

  @Test
  void aLimitBelowTheLongestFormIsRefused() {
    assertThatThrownBy(() -> new LineMaskingOutputStream(MASKER, sink, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
