Feature: Messages through MESH (the candidate as a MESH client)
  The GP system exchanges documents with other organisations through the
  Message Exchange for Social care and Health (MESH): it sends from its own
  mailbox to a named recipient under a workflow, collects what is waiting
  for it, and acknowledges a message only once it has it (profile §37.5).
  The harness hosts a MESH-like mailbox that, as MESH does, checks each
  request's NHSMESH authorisation.

  @RFA-COM-014 @lot1 @must @consumer @route-readback
  Rule: A message is sent from the candidate's own mailbox to the recipient, under the workflow, with its content intact

    Scenario: a discharge summary
      When the candidate is asked to send a MESH message
      Then the candidate carried out the action
      And the candidate sent the MESH message from its mailbox to the recipient

  @RFA-COM-015 @lot1 @must @consumer @route-readback
  Rule: Every MESH request is authorised with NHSMESH and a fresh nonce

    Scenario: sending and collecting
      Given the practice's MESH inbox holds 2 messages
      When the candidate is asked to send a MESH message
      And the candidate is asked to collect its MESH messages
      Then the candidate made at least 4 requests of MESH
      And MESH accepted the candidate's authorisation every time

  @RFA-COM-016 @lot1 @must @consumer @route-readback
  Rule: Every message collected is downloaded, then acknowledged

    Scenario: three messages waiting
      Given the practice's MESH inbox holds 3 messages
      When the candidate is asked to collect its MESH messages
      Then the candidate carried out the action
      And the candidate downloaded and acknowledged every message

  @RFA-COM-017 @lot1 @must @consumer @route-readback
  Rule: A message whose download failed is not acknowledged, so it is not lost

    Scenario: one of two cannot be downloaded
      Given the practice's MESH inbox holds 2 messages, 1 of which cannot be downloaded
      When the candidate is asked to collect its MESH messages
      Then the candidate acknowledged no message it could not download
