package io.emporium.realtime.mail;

/** Escaping for text put into mail HTML. */
final class Html {
  private Html() {}

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
