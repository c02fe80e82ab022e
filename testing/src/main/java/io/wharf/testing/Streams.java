package io.wharf.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;

/** Reads what a stream holds, without consuming it: how tests assert on what was published. */
public final class Streams {

    private Streams() {
    }

    /** How many messages the stream holds on exactly this subject. */
    public static long count(Connection connection, String stream, String subject) {
        try {
            StreamInfo info = connection.jetStreamManagement()
                    .getStreamInfo(stream,
                            StreamInfoOptions.filterSubjects(subject));
            List<Subject> subjects = info.getStreamState().getSubjects();
            return subjects == null
                    ? 0
                    : subjects.stream()
                            .filter(s -> s.getName().equals(subject))
                            .mapToLong(Subject::getCount)
                            .sum();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every message the stream holds on the subject, oldest first. */
    public static List<MessageInfo> messages(Connection connection, String stream, String subject) {
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            StreamInfo info = jsm.getStreamInfo(stream);
            List<MessageInfo> result = new ArrayList<>();
            long first = info.getStreamState().getFirstSequence();
            long last = info.getStreamState().getLastSequence();
            for (long seq = first; seq <= last && seq > 0; seq++) {
                try {
                    MessageInfo m = jsm.getMessage(stream, seq);
                    if (m.getSubject().equals(subject)) {
                        result.add(m);
                    }
                } catch (JetStreamApiException deletedOrAcked) {
                    // a gap: removed by a work-queue ack, or deleted
                }
            }
            return result;
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }
}
