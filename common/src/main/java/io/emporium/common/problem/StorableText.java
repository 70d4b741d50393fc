package io.emporium.common.problem;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text PostgreSQL can store: no NUL character and no lone UTF-16 surrogate (which has no UTF-8
 * form). The one rule for every string a request carries, checked at the edge and again by each
 * service on its gRPC input.
 */
public final class StorableText {
  public static final String MESSAGE = "must not contain a NUL character or unpaired surrogate";

  private StorableText() {}

  public static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The text with what cannot be stored (NUL, unpaired surrogates) replaced by U+FFFD, for text the
   * platform writes itself.
   */
  public static String storableCopy(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(c -> out.appendCodePoint(c == 0 || (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c));
    return out.toString();
  }

  /**
   * Every string in a JSON value (keys too) that cannot be stored, named by its path ({@code
   * items[0].sku}).
   */
  public static List<FieldError> inJson(Object value) {
    List<FieldError> errors = new ArrayList<>();
    walkJson(value, "", errors);
    return errors;
  }

  /**
   * Every string field of a protobuf message, nested ones too, that cannot be stored, named by its
   * JSON path.
   */
  public static List<FieldError> inMessage(Message message) {
    List<FieldError> errors = new ArrayList<>();
    walkMessage(message, "", errors);
    return errors;
  }

  /** Throws a 422 naming each field that holds text that cannot be stored. */
  public static void require(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }

  private static void walkJson(Object value, String at, List<FieldError> errors) {
    if (value instanceof String s) {
      if (!storable(s)) {
        errors.add(new FieldError(at.isEmpty() ? "body" : at, MESSAGE));
      }
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> field : object) {
        String name = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
        if (!storable(field.getKey())) {
          errors.add(
              new FieldError(
                  at.isEmpty() ? "body" : at,
                  "has a field name that " + MESSAGE.replace("must not", "does")));
          continue;
        }
        walkJson(field.getValue(), name, errors);
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        walkJson(array.getValue(i), at + "[" + i + "]", errors);
      }
    }
  }

  private static void walkMessage(Message message, String at, List<FieldError> errors) {
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor descriptor = field.getKey();
      String name = at.isEmpty() ? descriptor.getJsonName() : at + "." + descriptor.getJsonName();
      if (descriptor.isRepeated()) {
        List<?> values = (List<?>) field.getValue();
        for (int i = 0; i < values.size(); i++) {
          walkValue(
              descriptor,
              values.get(i),
              descriptor.isMapField() ? name : name + "[" + i + "]",
              errors);
        }
      } else {
        walkValue(descriptor, field.getValue(), name, errors);
      }
    }
  }

  private static void walkValue(
      FieldDescriptor descriptor, Object value, String name, List<FieldError> errors) {
    if (value instanceof MapEntry<?, ?> entry) {
      walkValue(descriptor, entry.getKey(), name, errors);
      walkValue(descriptor, entry.getValue(), name, errors);
    } else if (value instanceof String s) {
      if (!storable(s)) {
        errors.add(new FieldError(name, MESSAGE));
      }
    } else if (value instanceof Message nested) {
      walkMessage(nested, name, errors);
    }
  }
}
