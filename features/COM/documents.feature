Feature: Communication between clinical and administrative users: documents filed into the record
  A letter, report or image that reaches the practice is filed into the
  patient's record through the Access Document endpoint (profile §36): a
  DocumentReference with a SNOMED CT document type and its content inline.
  The record holds PDF, text, RTF, Word and image documents up to 1 MiB; a
  document's declared size is the size of its content. A filed document is
  then found by the patient's document search and retrieved byte for byte,
  as any other document is (RFA-INF, Access Document). Each scenario files
  its own documents, described with its trace id.

  @RFA-COM-008 @lot1 @must @route-extension
  Rule: A document is filed into a patient's record: 201, the DocumentReference as sent, with a url to its content

    Scenario Outline: filing a <kind> document
      Given a <kind> document "letter" for "patient20"
      When the request is sent
      Then the document is filed

      Examples:
        | kind |
        | PDF  |
        | text |
        | PNG  |

  @RFA-COM-009 @lot1 @must @route-extension
  Rule: A filed document is found by the patient's document search and retrieved byte for byte

    Scenario Outline: a filed <kind> document found and retrieved
      Given a <kind> document "letter" for "patient20"
      When the request is sent
      Then the document is filed
      And "letter" is among the documents of "patient20"
      And the content of "letter" is retrieved as filed

      Examples:
        | kind |
        | PDF  |
        | text |

  @RFA-COM-010 @lot1 @must @route-extension
  Rule: A document of a content type the record does not hold is refused with 422 INVALID_RESOURCE

    Scenario Outline: a document of type <type>
      Given a text document "letter" for "patient20"
      And the document's "content.0.attachment.contentType" is <type>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "DocumentReference.content.attachment.contentType"
      And nothing was stored

      Examples:
        | type                            |
        | "application/x-msdownload"      |
        | "text/html"                     |

    Scenario: a document with no content type
      Given a PDF document "letter" for "patient20"
      And the document's "content.0.attachment.contentType" is absent
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "DocumentReference.content.attachment.contentType"
      And nothing was stored

  @RFA-COM-011 @lot1 @must @route-extension
  Rule: A document over 1 MiB is refused with 422 INVALID_RESOURCE; one of exactly 1 MiB is filed

    Scenario: one byte over the limit
      Given a PDF document "large" for "patient20" of 1048577 bytes
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "DocumentReference.content.attachment.data"
      And nothing was stored

    Scenario: exactly the limit
      Given a PDF document "largest" for "patient20" of 1048576 bytes
      When the request is sent
      Then the document is filed

  @RFA-COM-012 @lot1 @must @route-extension
  Rule: A document whose declared size is not the size of its content is refused with 422 INVALID_RESOURCE

    Scenario Outline: a declared size of <size> bytes for less or more content
      Given a text document "letter" for "patient20"
      And the document's "content.0.attachment.size" is <size>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "DocumentReference.content.attachment.size"
      And nothing was stored

      Examples:
        | size  |
        | 10    |
        | 50000 |

  @RFA-COM-013 @lot1 @must @route-extension
  Rule: A document needs a patient registered here, a SNOMED CT document type and content

    Scenario: a patient not registered here
      Given a PDF document "letter" for "patient20"
      And the document's "subject.reference" is "Patient/not-registered-here"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "DocumentReference.subject"
      And nothing was stored

    Scenario: no document type
      Given a PDF document "letter" for "patient20"
      And the document's "type" is absent
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "DocumentReference.type"
      And nothing was stored

    Scenario: no content
      Given a text document "letter" for "patient20"
      And the document's "content.0.attachment.data" is ""
      And the document's "content.0.attachment.size" is absent
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "DocumentReference.content.attachment.data"
      And nothing was stored
