package io.emporium.catalog.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A product's words as PostgreSQL's {@code tsvector} keeps them, and the relevance of a search to
 * them computed as PostgreSQL's {@code ts_rank} (default weights, no normalisation) computes it, in
 * the same single-precision steps, so the order a listing shows did not change when search moved
 * into memory. Pure.
 */
public final class TextRank {
  /** Weights of the classes D, C, B and A (a product's name is A, its description B). */
  private static final float[] WEIGHTS = {0.1f, 0.2f, 0.4f, 1.0f};

  /** The position PostgreSQL gives a word it keeps no position of, and the most it counts. */
  private static final int MAX_POSITION = (1 << 14) - 1;

  /** pi^2/6: the limit of sum(1/i^2) that scales a word's repeated occurrences. */
  private static final double SUM_OF_INVERSE_SQUARES = 1.64493406685;

  private TextRank() {}

  /**
   * One product's words (lexemes, sorted) and, per word, its occurrences: position times four plus
   * weight class (0 = D … 3 = A), in position order.
   */
  public static final class Words {
    private final String[] lexemes;
    private final int[][] occurrences;

    Words(String[] lexemes, int[][] occurrences) {
      this.lexemes = lexemes;
      this.occurrences = occurrences;
    }

    /** The words, sorted; the index swaps each for its one shared copy of the same word. */
    public String[] lexemes() {
      return lexemes;
    }

    public int[] of(String lexeme) {
      int i = java.util.Arrays.binarySearch(lexemes, lexeme);
      return i < 0 ? null : occurrences[i];
    }
  }

  /**
   * Reads {@code tsvector} text output ({@code 'copper':2A,8B 'kettl':3A}); a word without
   * positions gets the one PostgreSQL assumes.
   */
  public static Words parse(String tsvector) {
    List<String> lexemes = new ArrayList<>();
    List<int[]> occurrences = new ArrayList<>();
    int i = 0;
    int n = tsvector.length();
    while (i < n) {
      if (tsvector.charAt(i) != '\'') {
        i++;
        continue;
      }
      StringBuilder lexeme = new StringBuilder();
      i++;
      while (i < n) {
        char c = tsvector.charAt(i);
        if (c == '\'' && i + 1 < n && tsvector.charAt(i + 1) == '\'') {
          lexeme.append('\'');
          i += 2;
        } else if (c == '\\' && i + 1 < n) {
          lexeme.append(tsvector.charAt(i + 1));
          i += 2;
        } else if (c == '\'') {
          i++;
          break;
        } else {
          lexeme.append(c);
          i++;
        }
      }
      List<Integer> found = new ArrayList<>();
      if (i < n && tsvector.charAt(i) == ':') {
        i++;
        while (i < n && tsvector.charAt(i) != ' ') {
          int position = 0;
          while (i < n && Character.isDigit(tsvector.charAt(i))) {
            position = position * 10 + (tsvector.charAt(i) - '0');
            i++;
          }
          int weight = 0;
          if (i < n && tsvector.charAt(i) >= 'A' && tsvector.charAt(i) <= 'D') {
            weight = 'D' - tsvector.charAt(i);
            i++;
          }
          found.add(Math.min(position, MAX_POSITION) * 4 + weight);
          if (i < n && tsvector.charAt(i) == ',') {
            i++;
          }
        }
      }
      if (found.isEmpty()) {
        found.add(MAX_POSITION * 4);
      }
      lexemes.add(lexeme.toString());
      occurrences.add(found.stream().mapToInt(Integer::intValue).toArray());
    }
    // tsvector output is sorted by PostgreSQL's byte order; sort again by Java's for binarySearch
    Integer[] order = new Integer[lexemes.size()];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    java.util.Arrays.sort(order, (a, b) -> lexemes.get(a).compareTo(lexemes.get(b)));
    String[] sortedLexemes = new String[order.length];
    int[][] sortedOccurrences = new int[order.length][];
    for (int k = 0; k < order.length; k++) {
      sortedLexemes[k] = lexemes.get(order[k]);
      sortedOccurrences[k] = occurrences.get(order[k]);
    }
    return new Words(sortedLexemes, sortedOccurrences);
  }

  /**
   * {@code ts_rank} of a query whose distinct words are {@code items} (sorted), all wanted ({@code
   * all}: words joined by AND) or any of them.
   */
  public static float rank(Words words, List<String> items, boolean all) {
    if (words.lexemes().length == 0 || items.isEmpty()) {
      return 0f;
    }
    float res = all && items.size() >= 2 ? rankAll(words, items) : rankAny(words, items);
    return res < 0 ? 1e-20f : res;
  }

  private static float weight(int occurrence) {
    return WEIGHTS[occurrence & 3];
  }

  private static int position(int occurrence) {
    return occurrence >> 2;
  }

  private static float rankAny(Words words, List<String> items) {
    float res = 0f;
    for (String item : items) {
      int[] post = words.of(item);
      if (post == null) {
        continue;
      }
      float resj = 0f;
      float wjm = -1f;
      int jm = 0;
      for (int j = 0; j < post.length; j++) {
        resj = resj + weight(post[j]) / ((j + 1) * (j + 1));
        if (weight(post[j]) > wjm) {
          wjm = weight(post[j]);
          jm = j;
        }
      }
      res = (float) (res + (wjm + resj - wjm / ((jm + 1) * (jm + 1))) / SUM_OF_INVERSE_SQUARES);
    }
    return res / items.size();
  }

  private static float rankAll(Words words, List<String> items) {
    float res = -1f;
    int[][] pos = new int[items.size()][];
    for (int i = 0; i < items.size(); i++) {
      pos[i] = words.of(items.get(i));
      if (pos[i] == null) {
        continue;
      }
      for (int k = 0; k < i; k++) {
        if (pos[k] == null) {
          continue;
        }
        for (int l = 0; l < pos[i].length; l++) {
          for (int p = 0; p < pos[k].length; p++) {
            int dist = Math.abs(position(pos[i][l]) - position(pos[k][p]));
            if (dist != 0) {
              float curw =
                  (float) Math.sqrt(weight(pos[i][l]) * weight(pos[k][p]) * wordDistance(dist));
              res = res < 0 ? curw : (float) (1.0 - (1.0 - res) * (1.0 - curw));
            }
          }
        }
      }
    }
    return res;
  }

  private static float wordDistance(int distance) {
    if (distance > 100) {
      return 1e-30f;
    }
    return (float) (1.0 / (1.005 + 0.05 * Math.exp(((float) distance) / 1.5 - 2)));
  }
}
