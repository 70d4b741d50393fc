package io.emporium.edge.identity.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Where a social login may send the browser back to: each entry is {@code scheme://host}, with an
 * optional port ({@code :*} for any) and path prefix; a redirect URI must match one entry's scheme,
 * host and port exactly and lie at or under its path. URIs with user info or a fragment never
 * match.
 */
public final class RedirectAllowlist {
  /** The embedded mode's list: any http(s) URL on this machine. */
  public static final List<String> LOOPBACK =
      List.of(
          "http://localhost:*", "https://localhost:*", "http://127.0.0.1:*", "https://127.0.0.1:*");

  private record Entry(String scheme, String host, int port, boolean anyPort, String path) {}

  private final List<Entry> entries;

  public RedirectAllowlist(List<String> entries) {
    this.entries = entries.stream().map(RedirectAllowlist::entry).toList();
  }

  public boolean allows(String redirectUri) {
    URI uri = parse(redirectUri);
    if (uri == null
        || uri.getRawUserInfo() != null
        || uri.getRawFragment() != null
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = effectivePort(uri.getScheme(), uri.getPort());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (path.contains("/../") || path.endsWith("/..") || path.contains("/./")) {
      return false;
    }
    return entries.stream()
        .anyMatch(
            e ->
                e.scheme().equals(uri.getScheme())
                    && e.host().equals(host)
                    && (e.anyPort() || e.port() == port)
                    && under(path, e.path()));
  }

  private static boolean under(String path, String prefix) {
    if (prefix.equals("/")) {
      return true;
    }
    return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
  }

  private static Entry entry(String text) {
    boolean anyPort = text.contains(":*");
    URI uri = parse(text.replace(":*", ""));
    if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
      throw new IllegalArgumentException("not an allowlist entry: " + text);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return new Entry(
        scheme,
        uri.getHost().toLowerCase(Locale.ROOT),
        effectivePort(scheme, uri.getPort()),
        anyPort,
        path);
  }

  private static int effectivePort(String scheme, int port) {
    if (port >= 0) {
      return port;
    }
    return "https".equals(scheme) ? 443 : 80;
  }

  private static URI parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
