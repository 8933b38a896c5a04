package org.daisyjava.worker;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/** Instantiates a user's class named in a config ({@code class: org.example.Predict}). */
final class UserClasses {
  private UserClasses() {}

  /**
   * Loads {@code className} with {@code loader} and calls its no-argument constructor.
   *
   * @param role what the class is for, for error messages: {@code process} or {@code check}
   * @throws IllegalArgumentException if the class is missing, is not a {@code type}, or cannot be
   *     instantiated; the message says which and names the class
   */
  static <T> T instantiate(String className, Class<T> type, ClassLoader loader, String role) {
    if (className == null || className.isBlank()) {
      throw new IllegalArgumentException(role + ".class must not be empty");
    }
    if (loader == null) {
      throw new IllegalArgumentException("loader must not be null");
    }
    Class<?> cls;
    try {
      cls = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          role + ".class " + className + " was not found on the classpath", e);
    } catch (LinkageError e) {
      throw new IllegalArgumentException(
          role + ".class " + className + " could not be loaded: " + e, e);
    }
    if (!type.isAssignableFrom(cls)) {
      throw new IllegalArgumentException(
          role + ".class " + className + " does not implement " + type.getName());
    }
    try {
      Constructor<?> constructor = cls.getDeclaredConstructor();
      constructor.setAccessible(true);
      return type.cast(constructor.newInstance());
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          role + ".class " + className + " has no constructor without arguments", e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          role + ".class " + className + ": constructor threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new IllegalArgumentException(
          role + ".class " + className + " could not be instantiated: " + e, e);
    }
  }
}
