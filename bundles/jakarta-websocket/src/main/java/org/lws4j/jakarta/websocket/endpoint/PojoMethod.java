package org.lws4j.jakarta.websocket.endpoint;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;

/**
 * One annotated method of an endpoint class and how to fill its parameters: the Session, the
 * EndpointConfig, a CloseReason, a Throwable, {@code @PathParam} values converted from the
 * session's path parameters, and for {@code @OnMessage} the message and, for partial messages,
 * the {@code boolean last}. Made when the endpoint is deployed (its faults become a
 * DeploymentException); invoked on the session's service thread. Holds a reflective handle on the
 * endpoint's class, so it lives only as long as the endpoint's registration.
 */
final class PojoMethod {
    /** What a call has to offer; each parameter takes one thing from it. */
    static final class Call {
        Session session;
        EndpointConfig config;
        Object message;
        boolean last;
        CloseReason reason;
        Throwable error;
    }

    private interface Arg {
        Object get(Call c);
    }

    final Method method;
    private final Arg[] args;
    /** The type of the message parameter, or null for methods that take none. */
    final Class<?> messageType;
    /** True when the method takes a {@code boolean last}: partial messages. */
    final boolean partial;

    private PojoMethod(Method method, Arg[] args, Class<?> messageType, boolean partial) {
        this.method = method;
        this.args = args;
        this.messageType = messageType;
        this.partial = partial;
    }

    /**
     * Reads a method's parameters.
     *
     * @param annotation the lifecycle annotation, for messages
     * @param allowed the extra types this kind of method may take (EndpointConfig, CloseReason, Throwable)
     * @param message true for {@code @OnMessage}: one parameter is the message
     */
    static PojoMethod of(Method m, Class<? extends Annotation> annotation, List<Class<?>> allowed, boolean message)
            throws DeploymentException {
        if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) {
            throw new DeploymentException("@" + annotation.getSimpleName() + " method " + m + " must be public and not static");
        }
        m.trySetAccessible(); // a public method of a class that is not public
        Class<?>[] types = m.getParameterTypes();
        Annotation[][] anns = m.getParameterAnnotations();
        Arg[] args = new Arg[types.length];
        Class<?> messageType = null;
        boolean partial = false;
        List<Integer> booleans = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            PathParam pp = pathParam(anns[i]);
            if (pp != null) {
                if (!Conversions.isText(t)) {
                    throw new DeploymentException("@PathParam(\"" + pp.value() + "\") of " + m + " must be a String or a primitive");
                }
                String name = pp.value();
                args[i] = c -> Conversions.fromText(c.session.getPathParameters().get(name), t);
            } else if (t == Session.class) {
                args[i] = c -> c.session;
            } else if (t == EndpointConfig.class && allowed.contains(EndpointConfig.class)) {
                args[i] = c -> c.config;
            } else if (t == CloseReason.class && allowed.contains(CloseReason.class)) {
                args[i] = c -> c.reason;
            } else if (t == Throwable.class && allowed.contains(Throwable.class)) {
                args[i] = c -> c.error;
            } else if (message && t == boolean.class) {
                booleans.add(i);
            } else if (message && messageType == null) {
                messageType = t;
                args[i] = c -> c.message;
            } else {
                throw new DeploymentException("@" + annotation.getSimpleName() + " method " + m + " cannot take a " + t.getName());
            }
        }
        // a boolean is the message itself when nothing else is, else the "last" flag of partial messages
        for (int i : booleans) {
            if (messageType == null) {
                messageType = boolean.class;
                args[i] = c -> c.message;
            } else if (!partial) {
                partial = true;
                args[i] = c -> c.last;
            } else {
                throw new DeploymentException("@OnMessage method " + m + " takes too many booleans");
            }
        }
        if (message && messageType == null) {
            throw new DeploymentException("@OnMessage method " + m + " takes no message");
        }
        if (allowed.contains(Throwable.class) && !List.of(types).contains(Throwable.class)) {
            throw new DeploymentException("@OnError method " + m + " must take a Throwable");
        }
        return new PojoMethod(m, args, messageType, partial);
    }

    private static PathParam pathParam(Annotation[] anns) {
        for (Annotation a : anns) {
            if (a instanceof PathParam) {
                return (PathParam) a;
            }
        }
        return null;
    }

    /** Calls it on {@code target}; what the method throws comes out as it was. */
    Object invoke(Object target, Call c) throws Throwable {
        Object[] values = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = args[i].get(c);
        }
        try {
            return method.invoke(target, values);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
}
