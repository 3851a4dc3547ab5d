package dev.hydra.container.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A POSIX tar stream (ustar headers, PAX records for names longer than ustar holds) of folders, for
 * the stage pod's {@code fetch} container ({@code tar -x}). Regular files, directories and symbolic
 * links (never followed) are written; anything else is skipped. Owners are 10001 (the images' agent
 * user), times zero, modes 0755 for directories and executables, else 0644.
 */
final class TarWriter {

  private static final int BLOCK = 512;
  private static final int AGENT_ID = 10001;

  private final OutputStream out;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Writes everything under {@code root} as entries named {@code prefix/<relative path>}; the root
   * itself gets no entry (it is a mount point in the pod).
   */
  void writeTree(Path root, String prefix) throws IOException {
    List<Path> paths = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (!dir.equals(root)) {
              paths.add(dir);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            paths.add(file);
            return FileVisitResult.CONTINUE;
          }
        });
    for (Path path : paths) {
      String name = prefix + "/" + root.relativize(path).toString().replace('\\', '/');
      if (Files.isSymbolicLink(path)) {
        header(name, '2', 0777, 0, Files.readSymbolicLink(path).toString());
      } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        header(name + "/", '5', 0755, 0, "");
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        long size = Files.size(path);
        header(name, '0', Files.isExecutable(path) ? 0755 : 0644, size, "");
        long copied;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
          copied = in.transferTo(out);
        }
        if (copied != size) {
          throw new IOException(path + " changed while it was sent");
        }
        pad(size);
      }
    }
  }

  /** The two zero blocks that end an archive. */
  void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
    out.flush();
  }

  private void header(String name, char type, int mode, long size, String link) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100 || linkBytes.length > 100) {
      StringBuilder records = new StringBuilder();
      if (nameBytes.length > 100) {
        records.append(paxRecord("path", name));
      }
      if (linkBytes.length > 100) {
        records.append(paxRecord("linkpath", link));
      }
      byte[] pax = records.toString().getBytes(StandardCharsets.UTF_8);
      out.write(ustar("PaxHeader", 'x', 0644, pax.length, ""));
      out.write(pax);
      pad(pax.length);
    }
    out.write(ustar(name, type, mode, size, link));
  }

  /** One PAX record, {@code "<length> <key>=<value>\n"}, whose length counts itself. */
  static String paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = body + Integer.toString(body).length();
    if (Integer.toString(length).length() != Integer.toString(body).length()) {
      length++;
    }
    return length + " " + key + "=" + value + "\n";
  }

  static byte[] ustar(String name, char type, int mode, long size, String link) {
    if (size > 077777777777L) {
      throw new IllegalArgumentException("a file of " + size + " bytes is too large to send");
    }
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, AGENT_ID);
    octal(h, 116, 8, AGENT_ID);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String checksum = String.format("%06o", sum);
    put(h, 148, 6, checksum);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  // Truncated to the field; a longer name travels in its PAX record.
  private static void put(byte[] h, int offset, int length, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, h, offset, Math.min(length, bytes.length));
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(length - 1 - digits.length()) + digits;
    put(h, offset, length - 1, padded);
  }
}
