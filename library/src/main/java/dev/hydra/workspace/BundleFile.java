package dev.hydra.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Opens {@code out/changes.bundle} in the agent's mount without following any link the agent may
 * have planted: {@code out} and the bundle are looked up relative to opened directories with {@code
 * NOFOLLOW_LINKS}, the bundle must be a regular file within the size limit, and the stream refuses
 * to read past it.
 */
final class BundleFile {

  static final String DIR = "out";
  static final String NAME = "changes.bundle";

  private BundleFile() {}

  /** An opened bundle and its size. */
  record Opened(InputStream in, long size) {}

  /**
   * Opens the bundle.
   *
   * @return empty when there is no bundle (the stage committed nothing)
   * @throws OutputRejectedException when it is a link, not a regular file, or too large
   */
  static Optional<Opened> open(Path mountDir, long maxBytes)
      throws IOException, OutputRejectedException {
    try (DirectoryStream<Path> mount = Files.newDirectoryStream(mountDir)) {
      if (!(mount instanceof SecureDirectoryStream<Path> secureMount)) {
        throw new IOException("this platform cannot open files without following links");
      }
      Path out = Path.of(DIR);
      BasicFileAttributes outAttributes = attributes(secureMount, out);
      if (outAttributes == null) {
        return Optional.empty();
      }
      if (!outAttributes.isDirectory()) {
        throw rejected("/workspace/out is not a directory (a link is not followed)");
      }
      try (SecureDirectoryStream<Path> outDir =
          secureMount.newDirectoryStream(out, LinkOption.NOFOLLOW_LINKS)) {
        Path bundle = Path.of(NAME);
        BasicFileAttributes attributes = attributes(outDir, bundle);
        if (attributes == null) {
          return Optional.empty();
        }
        if (!attributes.isRegularFile()) {
          throw rejected(
              "/workspace/out/changes.bundle is not a regular file (a link is not followed)");
        }
        if (attributes.size() > maxBytes) {
          throw rejected(
              "the bundle has "
                  + attributes.size()
                  + " bytes, more than the limit of "
                  + maxBytes
                  + "; commit less (no build output, no generated or vendored files)");
        }
        SeekableByteChannel channel =
            outDir.newByteChannel(
                bundle, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        long size = channel.size();
        return Optional.of(
            new Opened(new BoundedInputStream(Channels.newInputStream(channel), maxBytes), size));
      }
    }
  }

  private static @Nullable BasicFileAttributes attributes(
      SecureDirectoryStream<Path> dir, Path name) throws IOException {
    try {
      return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static OutputRejectedException rejected(String problem) {
    return new OutputRejectedException(
        List.of(problem + "; let the entrypoint write the bundle, do not touch /workspace/out"));
  }

  /** Reads at most a limit, then fails: a file that grows after the check is not read past it. */
  static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, (int) Math.min(len, left + 1));
      if (n > 0) {
        left -= n;
        if (left < 0) {
          throw new IOException("the bundle grew past its size limit while it was read");
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
