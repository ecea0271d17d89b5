package dev.komsu;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The backends (provider names) an {@link IndexTestCase} class runs on instead of scalar and
 * cpu; on a class, it holds for the {@code @Nested} suite classes inside it too. A backend
 * module's tests annotate one class whose nested classes extend each index family's suite.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface OnBackends {
    String[] value();
}
