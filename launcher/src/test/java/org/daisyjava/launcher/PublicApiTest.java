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
import org.daisyjava.persistence.ZarrArray;
import org.daisyjava.persistence.ZarrGroup;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.WorkerContext;
import org.junit.jupiter.api.Test;

/**
 * What a user's code touches (docs/java-api.md, docs/user-code.md) speaks only of user-facing
 * types: no public or protected signature of it names a scheduler internal or the wire protocol,
 * so those can change without breaking anyone's code.
 */
class PublicApiTest {
  private static final List<Class<?>> API = List.of(
      Daisy.class, Daisy.Options.class, Task.class, Task.Builder.class, RunResult.class,
      RunResult.Failure.class, RunResult.BlockFailure.class, RunResult.TaskFailure.class, TaskResult.class,
      BlockFunction.class, BlockCheck.class, WorkerContext.class,
      Block.class, Roi.class, Coordinate.class, Fit.class,
      ZarrArray.class, ZarrGroup.class, ArrayBlock.class);
  private static final List<String> INTERNAL = List.of("org.daisyjava.scheduler.", "org.daisyjava.core.protocol.");

  @Test
  void noPublicSignatureOfTheApiNamesASchedulerInternal() {
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
          internal(t).forEach(name -> leaks.add(c.getSimpleName() + "." + e.getName() + ": " + name));
        }
      }
      if (c.isRecord()) {
        for (RecordComponent r : c.getRecordComponents()) {
          internal(r.getGenericType()).forEach(name -> leaks.add(c.getSimpleName() + "." + r.getName() + ": " + name));
        }
      }
    }
    assertEquals(Set.of(), leaks);
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** The internal classes {@code t} names, type arguments and array components included. */
  private static List<String> internal(Type t) {
    List<String> out = new ArrayList<>();
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String name = c.getName();
      if (INTERNAL.stream().anyMatch(name::startsWith)) {
        out.add(name);
      }
    } else if (t instanceof ParameterizedType p) {
      out.addAll(internal(p.getRawType()));
      for (Type a : p.getActualTypeArguments()) {
        out.addAll(internal(a));
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        out.addAll(internal(b));
      }
      for (Type b : w.getLowerBounds()) {
        out.addAll(internal(b));
      }
    }
    return out;
  }
}
