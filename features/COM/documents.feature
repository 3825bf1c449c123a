Feature: Communication between clinical and administrative systems: documents received by GP Connect Send Document
  A letter, report or image reaches the practice as another organisation
  sends it: a GP Connect Send Document message (FHIR STU3, ITK3 event
  ITK007C) delivered to the practice's MESH mailbox (profile §36). The
  candidate collects its mail (trigger `receive-mesh-messages`, or the
  tester), tells the sender how it went by ITK3 responses over MESH (an
  infrastructure response, then, once the patient is matched, a business
  response), and files the document into the patient's record, where the
  patient's GP Connect Access Document search finds it and its Binary is
  the bytes sent. A refused message files nothing. Each scenario sends its
  own message, its Composition titled with an identifier fresh to it.

  @RFA-COM-008 @lot1 @must @consumer @route-readback
  Rule: A Send Document message is collected and answered over MESH: 20013 for the message, then 30001 for a patient registered here

    Scenario Outline: a <kind> document under <workflow>
      Given a <kind> document for "patient20" sent by GP Connect Send Document under <workflow>
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20013 then 30001

      Examples:
        | kind | workflow                |
        | PDF  | GPCONNECT_SEND_DOCUMENT |
        | text | GPCONNECT_SEND_DOCUMENT |
        | PNG  | GPCONNECT_SEND_DOCUMENT |
        | PDF  | GPFED_CONSULT_REPORT    |

  @RFA-COM-009 @lot1 @must @consumer @route-readback
  Rule: A document received is found by the patient's Access Document search and retrieved byte for byte

    Scenario Outline: a <kind> document found and retrieved
      Given a <kind> document for "patient20" sent by GP Connect Send Document
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the document sent is among the documents of its patient
      And the document sent is retrieved as sent

      Examples:
        | kind |
        | PDF  |
        | text |

  @RFA-COM-010 @lot1 @must @consumer @route-readback
  Rule: An attachment of a type the record does not hold is refused with ITK3 20004 or 20005, and nothing is filed

    Scenario: a PDF is taken
      Given a PDF document for "patient20" sent by GP Connect Send Document
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20013 then 30001

    Scenario Outline: an attachment of type <type>
      Given a text document for "patient20" sent by GP Connect Send Document
      And the Send Document message's Binary "contentType" is <type>
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20004 or 20005
      And no document was filed from the Send Document message

      Examples:
        | type                       |
        | "application/x-msdownload" |
        | "text/html"                |

  @RFA-COM-011 @lot1 @must @consumer @route-readback
  Rule: A document of several megabytes, within ITK3's 5 MB message size, is filed and retrieved whole

    Scenario: a 2 MiB PDF
      Given a PDF document for "patient20" sent by GP Connect Send Document of 2097152 bytes
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the document sent is among the documents of its patient
      And the document sent is retrieved as sent

  @RFA-COM-013 @lot1 @must @consumer @route-readback
  Rule: A message needs a patient registered here (else 30002), this practice as any receiver named (else 20002), a SNOMED CT document type and content (else 20009); a refused one files nothing

    Scenario: a message the candidate takes
      Given a PDF document for "patient20" sent by GP Connect Send Document
      And the Send Document message is addressed to "ORG1"
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20013 then 30001

    Scenario: a patient not registered here
      Given a PDF document for "patient20" sent by GP Connect Send Document
      And the Send Document message is about "patientNotInSystem"
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20013 then 30002

    Scenario: addressed to another practice
      Given a PDF document for "patient20" sent by GP Connect Send Document
      And the Send Document message is addressed to "ORG2"
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20002
      And no document was filed from the Send Document message

    Scenario: no document type
      Given a PDF document for "patient20" sent by GP Connect Send Document
      And the Send Document message's Composition "type" is absent
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20009
      And no document was filed from the Send Document message

    Scenario: no content
      Given a text document for "patient20" sent by GP Connect Send Document
      And the Send Document message's Binary "content" is ""
      When the candidate is asked to collect the Send Document message from its MESH inbox
      Then the candidate carried out the action
      And the candidate answered the Send Document message with 20009
      And no document was filed from the Send Document message
