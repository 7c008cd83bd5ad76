package org.lws4j.jakarta.websocket.endpoint;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * The class a generic interface is implemented for: the {@code T} of a {@code Decoder.Text<T>},
 * an {@code Encoder.Binary<T>}, a {@code MessageHandler.Whole<T>}, followed through superclasses
 * and super-interfaces with their type variables bound. Stateless; nothing is cached (a cache
 * keyed by class would pin an endpoint bundle's class loader).
 */
public final class TypeArgs {
    private TypeArgs() {
    }

    /**
     * The first type argument {@code impl} gives {@code generic}, as a class; null when
     * {@code impl} does not implement it or leaves it unbound (a lambda, a raw type).
     */
    public static Class<?> of(Class<?> impl, Class<?> generic) {
        return find(impl, generic, new HashMap<>());
    }

    private static Class<?> find(Type type, Class<?> generic, Map<TypeVariable<?>, Type> bound) {
        Class<?> raw;
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            raw = (Class<?>) p.getRawType();
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] args = p.getActualTypeArguments();
            for (int i = 0; i < vars.length && i < args.length; i++) {
                bound.put(vars[i], args[i] instanceof TypeVariable && bound.containsKey(args[i]) ? bound.get(args[i]) : args[i]);
            }
            if (raw == generic) {
                return toClass(args[0], bound);
            }
        } else if (type instanceof Class) {
            raw = (Class<?>) type;
        } else {
            return null;
        }
        for (Type i : raw.getGenericInterfaces()) {
            Class<?> c = find(i, generic, bound);
            if (c != null) {
                return c;
            }
        }
        Type sup = raw.getGenericSuperclass();
        return sup == null ? null : find(sup, generic, bound);
    }

    private static Class<?> toClass(Type t, Map<TypeVariable<?>, Type> bound) {
        if (t instanceof Class) {
            return (Class<?>) t;
        }
        if (t instanceof ParameterizedType) {
            return (Class<?>) ((ParameterizedType) t).getRawType();
        }
        if (t instanceof GenericArrayType) {
            Class<?> c = toClass(((GenericArrayType) t).getGenericComponentType(), bound);
            return c == null ? null : java.lang.reflect.Array.newInstance(c, 0).getClass();
        }
        if (t instanceof TypeVariable && bound.containsKey(t) && bound.get(t) != t) {
            return toClass(bound.get(t), bound);
        }
        return null;
    }
}
