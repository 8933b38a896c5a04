package org.daisyjava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.daisyjava.core.Block;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.Compressor;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.WriteMode;
import org.daisyjava.persistence.ZarrArray;
import org.daisyjava.persistence.ZarrFormat;
import org.daisyjava.persistence.ZarrGroup;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.WorkerContext;
import org.junit.jupiter.api.Test;

/**
 * What a user's code touches (docs/java-api.md, docs/user-code.md) is closed: no public or
 * protected signature of it names a type of the project outside it (a scheduler internal, the
 * wire protocol, the launcher's own classes), so those can change without breaking anyone's
 * code. One member does on purpose and is documented so: {@code Daisy.Options.withListener}.
 */
class PublicApiTest {
  private static final List<Class<?>> API = List.of(
      Daisy.class, Daisy.Options.class, Task.class, Task.Builder.class, RunResult.class,
      RunResult.Failure.class, RunResult.BlockFailure.class, RunResult.TaskFailure.class, TaskResult.class,
      RunAbortedException.class, Progress.class, Progress.TaskProgress.class,
      BlockFunction.class, BlockCheck.class, WorkerContext.class,
      Block.class, Roi.class, Roi.Snap.class, Coordinate.class, Fit.class,
      ZarrArray.class, ZarrGroup.class, ArrayBlock.class,
      ArraySpec.class, DataType.class, Compressor.class, ZarrFormat.class, WriteMode.class);
  /** Signatures that name a type outside the API on purpose, each said so in the docs. */
  private static final Set<String> OUTSIDE_ON_PURPOSE = Set.of(
      "Options.withListener: org.daisyjava.launcher.observe.RunListener");

  @Test
  void noPublicSignatureOfTheApiNamesAProjectTypeOutsideIt() {
    Set<String> leaks = new TreeSet<>();
    for (Class<?> c : API) {
      List<Executable> members = new ArrayList<>();
      for (Method m : c.getDeclaredMethods()) {
        members.add(m);
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        members.add(k);
      }
      for (Executable e : members) {
        if (!exposed(e.getModifiers()) || e.isSynthetic()) {
          continue;
        }
        List<Type> types = new ArrayList<>(List.of(e.getGenericParameterTypes()));
        types.addAll(List.of(e.getGenericExceptionTypes()));
        if (e instanceof Method m) {
          types.add(m.getGenericReturnType());
        }
        for (Type t : types) {
          outside(t).forEach(name -> leaks.add(c.getSimpleName() + "." + e.getName() + ": " + name));
        }
      }
      if (c.isRecord()) {
        for (RecordComponent r : c.getRecordComponents()) {
          outside(r.getGenericType()).forEach(name -> leaks.add(c.getSimpleName() + "." + r.getName() + ": " + name));
        }
      }
    }
    leaks.removeAll(OUTSIDE_ON_PURPOSE);
    assertEquals(Set.of(), leaks);
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** The project's classes outside the API that {@code t} names, type arguments and array components included. */
  private static List<String> outside(Type t) {
    List<String> out = new ArrayList<>();
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String name = c.getName();
      if (name.startsWith("org.daisyjava.") && !API.contains(c)) {
        out.add(name);
      }
    } else if (t instanceof ParameterizedType p) {
      out.addAll(outside(p.getRawType()));
      for (Type a : p.getActualTypeArguments()) {
        out.addAll(outside(a));
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        out.addAll(outside(b));
      }
      for (Type b : w.getLowerBounds()) {
        out.addAll(outside(b));
      }
    }
    return out;
  }
}
