package io.wharf.gateway.security;

/** The roles an identity may have; {@code application.properties} maps paths to them. */
public final class Roles {

    /** A person: basic credentials or an OpenID Connect token. */
    public static final String USER = "user";
    /** Whoever holds a function's token: may run that one function. */
    public static final String INVOKER = "invoker";
    /** MinIO, sending bucket notifications with the webhook token. */
    public static final String WEBHOOK = "webhook";
    /** Wharf's onetrigger, announcing new Onedata files with its own token. */
    public static final String ONETRIGGER = "onetrigger";
    /** A user listed in {@code wharf.gateway.operators}: may read the platform's metrics. */
    public static final String OPERATOR = "operator";

    /** Attribute of an {@link #INVOKER} identity: the function its token belongs to. */
    public static final String FUNCTION_ATTRIBUTE = "wharf.function";

    private Roles() {
    }
}
