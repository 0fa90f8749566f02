package dev.bond4j.value;

import dev.bond4j.InvalidArgumentException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The Immutables style shared by bond4j's value types: generated {@code Immutable*} classes whose
 * builders throw {@link InvalidArgumentException} (not {@code IllegalStateException}) when a
 * required attribute is missing, so one exception type covers all bad input.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    throwForInvalidImmutableState = InvalidArgumentException.class,
    defaults = @Value.Immutable(copy = true),
    jdkOnly = true)
public @interface BondStyle {}
