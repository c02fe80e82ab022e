package io.wharf.gateway.ingest;

/**
 * What became of the records of one notification.
 *
 * @param accepted envelopes stored for execution
 * @param duplicates envelopes JetStream had already stored (a redelivery)
 * @param ignored records that start nothing by design (tagging, removals, folder markers)
 * @param deadLettered records stored in the dead-letter stream with their reason
 */
public record IngestResult(int accepted, int duplicates, int ignored, int deadLettered) {

    public IngestResult plus(IngestResult other) {
        return new IngestResult(accepted + other.accepted, duplicates + other.duplicates, ignored + other.ignored,
                deadLettered + other.deadLettered);
    }
}
