package dev.hydra.container;

import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * A host name pinned to an address in the container's {@code /etc/hosts} ({@code docker run
 * --add-host}): the runner resolves the hosts a stage may reach and pins them, so the container
 * needs no DNS beyond its own network's names. On a dedicated Docker network the embedded DNS
 * server forwards outside queries from inside the container's network namespace, where the egress
 * firewall drops them (see images/README.md).
 *
 * @param name the host name
 * @param address one of its addresses
 */
public record HostPin(String name, InetAddress address) {

  private static final Pattern NAME =
      Pattern.compile(
          "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  /** Checks the name: a plain DNS name, nothing a command line or a hosts file could misread. */
  public HostPin {
    if (name.length() > 253 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid host name to pin: " + name);
    }
  }

  /** The {@code --add-host} value: {@code name:address} (an IPv6 address unbracketed). */
  public String addHost() {
    return name + ":" + address.getHostAddress();
  }
}
