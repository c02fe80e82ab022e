package io.wharf.contracts;

/**
 * Names of the JetStream streams, subjects and buckets the services share. One place, so that a rename is one
 * change and no service can drift from another.
 */
public final class Names {

    /** Envelopes waiting to be executed, one subject per function. */
    public static final String EVENTS_STREAM = "WHARF_EVENTS";
    /** Envelopes that failed permanently, with {@link Headers#REASON} and {@link Headers#DETAIL}. */
    public static final String DLQ_STREAM = "WHARF_DLQ";
    /** Execution state changes, one subject per function. */
    public static final String EXECUTIONS_STREAM = "WHARF_EXECUTIONS";
    /** Raw events published by other systems (MinIO's NATS target, anything on {@code wharf.invoke.<fn>}). */
    public static final String INGEST_STREAM = "WHARF_INGEST";

    public static final String INGEST_MINIO_SUBJECT = "wharf.ingest.minio";
    public static final String CAPACITY_SUBJECT = "wharf.capacity";

    public static final String FUNCTIONS_BUCKET = "wharf-functions";
    public static final String EXECUTIONS_BUCKET = "wharf-executions";
    public static final String LOGS_BUCKET = "wharf-logs";
    /** What callers of {@code POST /run} wait for, one object per execution id, kept for {@link #RESPONSES_TTL}. */
    public static final String RESPONSES_BUCKET = "wharf-responses";
    public static final java.time.Duration RESPONSES_TTL = java.time.Duration.ofHours(1);
    /** The largest response kept for a caller of {@code /run}. */
    public static final int RESPONSE_MAX_BYTES = 8 * 1024 * 1024;
    /** Each user's credentials for the platform's MinIO (the gateway's alone). */
    public static final String USERS_BUCKET = "wharf-users";
    /** Which user owns each bucket of the platform's MinIO (the gateway's alone). */
    public static final String BUCKETS_BUCKET = "wharf-buckets";
    /** Each function's own MinIO credentials, limited to its inputs and outputs (read by the dispatcher). */
    public static final String FUNCTION_STORAGE_BUCKET = "wharf-function-storage";
    /** What the input sweep remembers: where each input folder's listing resumes, which executions were removed. */
    public static final String SWEEP_BUCKET = "wharf-sweep";
    /** What operators set at run time: the image repositories functions may use (the gateway's alone). */
    public static final String SETTINGS_BUCKET = "wharf-settings";
    /** The Onedata folders each function takes its input from, under its name (written by the gateway). */
    public static final String ONEDATA_WATCHES_BUCKET = "wharf-onedata-watches";
    /** The Onedata files onetrigger has announced, under {@code <function>.<uid>.<hash>} (onetrigger's alone). */
    public static final String ONEDATA_ANNOUNCED_BUCKET = "wharf-onedata-announced";
    /** How onetrigger's watch of each function is doing, under its name (written by onetrigger). */
    public static final String ONEDATA_STATUS_BUCKET = "wharf-onedata-status";
    /** Builds waiting for the build service, one message per build ({@code wharf.builds.<id>}). */
    public static final String BUILDS_STREAM = "WHARF_BUILDS";
    /** Every build's record, under its id. */
    public static final String BUILDS_BUCKET = "wharf-builds";
    /** Each build's context ({@code <id>.context}, a gzipped tar) and log ({@code <id>.log}). */
    public static final String BUILD_FILES_BUCKET = "wharf-build-files";
    /** Each dispatcher's latest capacity report, under its instance id; a report expires after {@link #CAPACITY_TTL}. */
    public static final String CAPACITY_BUCKET = "wharf-capacity";
    public static final java.time.Duration CAPACITY_TTL = java.time.Duration.ofMinutes(2);

    /** DLQ suffix for a raw MinIO event that could not be attributed to a function (function names cannot start with '_'). */
    public static final String UNATTRIBUTED = "_unattributed";

    private static final String EVENTS_PREFIX = "wharf.events.";
    private static final String DLQ_PREFIX = "wharf.dlq.";
    private static final String EXECUTIONS_PREFIX = "wharf.executions.";
    private static final String INVOKE_PREFIX = "wharf.invoke.";

    private Names() {
    }

    public static String buildsSubject(String buildId) {
        return "wharf.builds." + buildId;
    }

    public static String eventsSubject(String function) {
        return EVENTS_PREFIX + function;
    }

    public static String eventsWildcard() {
        return EVENTS_PREFIX + ">";
    }

    public static String dlqSubject(String function) {
        return DLQ_PREFIX + function;
    }

    public static String dlqWildcard() {
        return DLQ_PREFIX + ">";
    }

    public static String executionsSubject(String function) {
        return EXECUTIONS_PREFIX + function;
    }

    public static String executionsWildcard() {
        return EXECUTIONS_PREFIX + ">";
    }

    public static String invokeSubject(String function) {
        return INVOKE_PREFIX + function;
    }

    public static String invokeWildcard() {
        return INVOKE_PREFIX + ">";
    }

    /** The function a {@code wharf.invoke.<fn>} subject names, or {@code null} when the subject is not one. */
    public static String functionOfInvokeSubject(String subject) {
        return subject != null && subject.startsWith(INVOKE_PREFIX) ? subject.substring(INVOKE_PREFIX.length()) : null;
    }

    /** Message headers the services set. */
    public static final class Headers {

        /** JetStream de-duplication header; the envelope id goes here. */
        public static final String MSG_ID = "Nats-Msg-Id";
        /** Why a message was dead-lettered: a short, stable token (e.g. {@code unknown-function}). */
        public static final String REASON = "Wharf-Reason";
        /** A human-readable detail for the reason. */
        public static final String DETAIL = "Wharf-Detail";
        /** The subject the dead-lettered message was first published to. */
        public static final String ORIGINAL_SUBJECT = "Wharf-Original-Subject";

        private Headers() {
        }
    }
}
