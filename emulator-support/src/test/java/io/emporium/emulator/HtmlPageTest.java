package io.emporium.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlPageTest {
  @Test
  void textIsEscapedForHtml() {
    assertThat(HtmlPage.escape("<b>\"Tom's\" & co</b>"))
        .isEqualTo("&lt;b&gt;&quot;Tom&#39;s&quot; &amp; co&lt;/b&gt;");
  }
}
