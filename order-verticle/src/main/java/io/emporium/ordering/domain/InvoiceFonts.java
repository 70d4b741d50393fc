package io.emporium.ordering.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;

/**
 * The invoice's two typefaces, parsed once (Noto's character map alone takes a third of a second):
 * Liberation Sans, which PDFBox ships, for Latin, Greek, Cyrillic and Hebrew, and Noto Sans SC (SIL
 * Open Font License, unpacked at build time from Maven Central's {@code
 * com.helger.font:ph-fonts-noto-sans-sc}) for Chinese, kana and symbols. PDFBox reads a parsed font
 * through one cursor, so a document holds the fonts' lock from loading them to saving.
 */
final class InvoiceFonts {
  /**
   * Shown for a character neither typeface has (an emoji, Thai, Hangul, ...): a white square, as a
   * missing glyph looks.
   */
  static final int REPLACEMENT = 0x25A1;

  private static final String LATIN = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
  private static final String CJK = "/fonts/ttf/NotoSansSC/NotoSansSC-Regular.ttf";
  private static InvoiceFonts loaded;

  final TrueTypeFont latin;
  final TrueTypeFont cjk;
  private final CmapLookup latinMap;
  private final CmapLookup cjkMap;

  private InvoiceFonts() throws IOException {
    latin = parse(LATIN);
    cjk = parse(CJK);
    latinMap = latin.getUnicodeCmapLookup();
    cjkMap = cjk.getUnicodeCmapLookup();
  }

  static synchronized InvoiceFonts get() {
    if (loaded == null) {
      try {
        loaded = new InvoiceFonts();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return loaded;
  }

  /** Which typeface shows the character: the Latin one, the CJK one, or null for neither. */
  TrueTypeFont fontOf(int codePoint) {
    if (latinMap.getGlyphId(codePoint) > 0) {
      return latin;
    }
    return cjkMap.getGlyphId(codePoint) > 0 ? cjk : null;
  }

  private static TrueTypeFont parse(String resource) throws IOException {
    try (InputStream in = InvoiceFonts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("font " + resource + " is not on the class path");
      }
      // read in small chunks: one 10 MB array is a humongous allocation for the garbage collector
      return new TTFParser().parse(new RandomAccessReadBuffer(in));
    }
  }
}
