//! The ways the reference can break communication (messages, documents received by Send Document, MESH): the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    ComDefect {
        MessagesWithoutSentTime = "messages-without-sent-time" ["RFA-COM-001"]
            "accepts a message but does not stamp the time it was sent";
        MessagesUnchecked = "messages-unchecked" ["RFA-COM-002"]
            "accepts a message from any sender, to no one or to practitioners not held here, with no text";
        InboxMissesCopies = "inbox-misses-copies" ["RFA-COM-003"]
            "an inbox holds only the messages whose first recipient it belongs to";
        InboxBySender = "inbox-by-sender" ["RFA-COM-003"]
            "searches an inbox by sender: a practitioner's inbox holds the messages they sent, not those addressed to them";
        SenderCannotRead = "sender-cannot-read" ["RFA-COM-004", "RFA-COM-005"]
            "lets only a message's addressees read it, not the practitioner who sent it";
        MessagesVisibleToAll = "messages-visible-to-all" ["RFA-COM-004", "RFA-COM-006"]
            "any practitioner can search any inbox and read any message";
        AcknowledgementNotKept = "acknowledgement-not-kept" ["RFA-COM-005"]
            "answers an acknowledgement with a completed message but does not keep it";
        AnyoneAcknowledges = "anyone-acknowledges" ["RFA-COM-006"]
            "lets the sender, or anyone who can name the message, acknowledge it for its addressee";
        KeepsRefusedMessage = "keeps-refused-message" ["RFA-COM-002", "RFA-COM-007"]
            "refuses a message it has already delivered to its addressees' inboxes, and leaves it there";
        KeepsRefusedDocument = "keeps-refused-document" ["RFA-COM-010", "RFA-COM-013"]
            "files a Send Document message's document before checking it, and keeps it when the message is refused";
        MessagesAboutAnyone = "messages-about-anyone" ["RFA-COM-007"]
            "accepts a message about a patient not registered here";
        FiledWithoutContent = "filed-without-content" ["RFA-COM-009", "RFA-COM-011"]
            "files a received document's DocumentReference but not its content, so Access Document cannot serve it";
        FiledDocumentsNotListed = "filed-documents-not-listed" ["RFA-COM-009", "RFA-COM-011"]
            "acknowledges received documents that the patient's document search never finds";
        AnyContentType = "any-content-type" ["RFA-COM-010"]
            "files a received document of any content type, executables and web pages included";
        OneMibDocumentLimit = "one-mib-document-limit" ["RFA-COM-011"]
            "refuses a received document over 1 MiB (ITK3 20015), the limit of the old filing API";
        DocumentsUnchecked = "documents-unchecked" ["RFA-COM-013"]
            "takes a Send Document message for a patient not registered here (30001), addressed to another practice, with no document type or no content";
        AcksUnderMessageWorkflow = "acks-under-message-workflow" ["RFA-COM-008", "RFA-COM-010", "RFA-COM-013", "RFA-XCS-005"]
            "sends ITK3 responses under the message's MESH workflow instead of its _ACK workflow";
        AckNamesBundleId = "ack-names-bundle-id" ["RFA-COM-008", "RFA-COM-010", "RFA-COM-013", "RFA-XCS-005"]
            "names the message answered by its Bundle.identifier instead of its MessageHeader.id in response.identifier";
        NoBusinessAck = "no-business-ack" ["RFA-COM-008", "RFA-COM-010", "RFA-COM-013", "RFA-XCS-005"]
            "sends the infrastructure response but never the business response the sender asked for";
        MeshWrongFrom = "mesh-wrong-from" ["RFA-COM-014"]
            "sends MESH messages with the recipient's mailbox in Mex-From";
        MeshReusesNonce = "mesh-reuses-nonce" ["RFA-COM-008", "RFA-COM-009", "RFA-COM-010", "RFA-COM-011", "RFA-COM-013", "RFA-COM-015", "RFA-COM-016", "RFA-COM-017", "RFA-XCS-005"]
            "uses the same NHSMESH nonce for every MESH request";
        MeshNoAcknowledge = "mesh-no-acknowledge" ["RFA-COM-016"]
            "downloads MESH messages but never acknowledges them";
        MeshAcksUndownloaded = "mesh-acks-undownloaded" ["RFA-COM-017"]
            "acknowledges MESH messages whose download failed";
        UpdateRecordAutoFiled = "update-record-auto-filed" ["RFA-XCS-005"]
            "writes a consultation summary received by Update Record straight into the record, with no clinician accepting it";
        UpdateRecordAcceptIgnored = "update-record-accept-ignored" ["RFA-XCS-005"]
            "holds consultation summaries received by Update Record, but a clinician's acceptance records nothing";
        UpdateRecordAnyProfile = "update-record-any-profile" ["RFA-XCS-005"]
            "takes an Update Record message holding a profile Update Record does not define, instead of refusing it whole (20009)";
    }
}
