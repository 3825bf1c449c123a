Feature: HTTP and FHIR conventions of Appointment Management
  Free slot search, booking, reading, amending, cancelling and retrieving
  appointments keep the conventions every GP Connect API keeps (ACC judges
  them on Foundations): FHIR JSON answers, no caching, and the Spine
  headers and token checked for the interaction asked for. They are judged
  here, on the appointment interactions, so that a provider without
  Appointment Management fails only appointment requirements, and one with
  it is held to them there.
  (GP Connect: FHIR API guidance; API security guidance; Appointment Management; provider test suite SearchForFreeSlots, AppointmentBook, AppointmentRead, AppointmentAmend, AppointmentCancel and AppointmentRetrieve features.)

  @RFA-ONL-046 @lot1 @must @route-national
  Rule: Appointment Management responses are FHIR JSON: Content-Type application/fhir+json in UTF-8, _format winning over Accept

    Scenario Outline: a free slot search with <how>
      Given a free slot search for the next 3 days
      And <how>
      When the request is sent
      Then the response is FHIR JSON
      And the response status is 200

      Examples:
        | how                                                                              |
        | the "Accept" header is "application/fhir+json"                                   |
        | the query parameter "_format" is added with the value "application/fhir+json"   |

    # Official SearchForFreeSlots "in the Accept Header and format
    # parameter", its JSON rows.
    Scenario Outline: a free slot search with Accept <accept> and _format JSON
      Given a free slot search for the next 3 days
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And the response status is 200

      Examples:
        | accept                |
        | application/fhir+json |
        | application/fhir+xml  |

    # Official AppointmentBook, AppointmentRead, AppointmentAmend,
    # AppointmentCancel and AppointmentRetrieve: "accept header", "_format
    # parameter", "accept header and _format parameter to request response
    # format", their JSON rows (an Accept naming XML with _format JSON is
    # answered JSON: FHIR has _format override Accept). Whether each
    # answer holds what it should is ONL's to judge; here, its form.
    Scenario Outline: a booking with <how>
      Given a booking of a free slot for "patient20"
      And <how>
      When the booking is sent
      Then the response is FHIR JSON
      And the appointment is booked as "mine"
      And the response is a "Appointment" resource

      Examples:
        | how                                                                           |
        | the "Accept" header is "application/fhir+json"                                |
        | the query parameter "_format" is added with the value "application/fhir+json" |

    Scenario: a booking with Accept XML and _format JSON
      Given a booking of a free slot for "patient10"
      And the "Accept" header is "application/fhir+xml"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the booking is sent
      Then the response is FHIR JSON
      And the appointment is booked as "mine"
      And the response is a "Appointment" resource

    Scenario Outline: <request> with <how>
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      And <how>
      When the request is sent
      Then the response is FHIR JSON
      And <check>

      Examples:
        | request                                                                              | how                                                                           | check                                                                                      |
        | a read of the appointment "mine"                                                     | the query parameter "_format" is added with the value "application/fhir+json" | the response is a "Appointment" resource                                                   |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | the query parameter "_format" is added with the value "application/fhir+json" | the appointment in the response has "description" set to "customDescription" at version 2 |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | the "Accept" header is "application/fhir+json"                                | the appointment in the response has "description" set to "customDescription" at version 2 |
        | a cancellation of "mine" with the reason "double booked"                             | the query parameter "_format" is added with the value "application/fhir+json" | the appointment is cancelled with the reason "double booked"                               |
        | a cancellation of "mine" with the reason "double booked"                             | the "Accept" header is "application/fhir+json"                                | the appointment is cancelled with the reason "double booked"                               |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" | the query parameter "_format" is added with the value "application/fhir+json" | the Bundle includes the appointment "mine"                                                 |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" | the "Accept" header is "application/fhir+json"                                | the Bundle includes the appointment "mine"                                                 |

    Scenario Outline: <request> with Accept <accept> and _format JSON
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the request is sent
      Then the response is FHIR JSON
      And <check>

      Examples:
        | request                                                                              | accept                | check                                                                                      |
        | a read of the appointment "mine"                                                     | application/fhir+json | the response is a "Appointment" resource                                                   |
        | a read of the appointment "mine"                                                     | application/fhir+xml  | the response is a "Appointment" resource                                                   |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | application/fhir+xml  | the appointment in the response has "description" set to "customDescription" at version 2 |
        | a cancellation of "mine" with the reason "double booked"                             | application/fhir+xml  | the appointment is cancelled with the reason "double booked"                               |
        | a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}" | application/fhir+xml  | the Bundle includes the appointment "mine"                                                 |

  @RFA-ONL-047 @lot1 @must @route-national
  Rule: Every Appointment Management response, success or error, carries Cache-Control no-store

    Scenario: a free slot search
      Given a free slot search for the next 3 days
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario Outline: <request> with another interaction's Ssp-InteractionID
      Given <request>
      And the "Ssp-InteractionID" header is "<interaction>"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

      Examples:
        | request                                                     | interaction                                                     |
        | a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}" | urn:nhs:names:services:gpconnect:fhir:rest:search:organization-1 |

    Scenario: a free slot search refused for its window
      Given a free slot search with "start=ge{today+1}&end=le{today+31}&status=free&_include=Slot:schedule"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    # Official AppointmentRead and AppointmentRetrieve: "valid/invalid
    # response check caching headers exist".
    Scenario: a patient's appointments
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+1}"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: an appointment that is not found
      Given a read of the appointment id "555555"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario: a refused search for appointments
      Given a search for the appointments of "patient20" with "start=ge{today}"
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    # Official AppointmentBook, AppointmentRead, AppointmentAmend and
    # AppointmentCancel: "valid/invalid response check caching headers
    # exist". Whether each is made, or refused with the right code, is
    # ONL-009, 010, 014, 015, 018 and 019's to judge; here, the header.
    Scenario: a booking
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the response header "Cache-Control" includes "no-store"

    Scenario: a booking refused for want of a slot
      Given a booking of a free slot for "patient20"
      And the booking's "slot" is removed
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

    Scenario Outline: <request> of a booked appointment
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      When the request is sent
      Then the response status is 200
      And the response header "Cache-Control" includes "no-store"

      Examples:
        | request                                                                              |
        | a read of the appointment "mine"                                                     |
        | an amendment of the appointment "mine" setting "description" to "customDescription" |
        | a cancellation of "mine" with the reason "double booked"                             |

    Scenario Outline: <request>, refused
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      When the request is sent
      Then the response header "Cache-Control" includes "no-store"

      Examples:
        | request                                                                |
        | an amendment of the appointment "mine" setting "status" to "noshow"   |
        | a cancellation of "mine" with the reason ""                            |

  @RFA-ONL-048 @lot1 @must @route-national
  Rule: Appointment Management refuses with 400 BAD_REQUEST a Ssp-InteractionID of another interaction and a requested_scope that does not cover the interaction

    Scenario: control: a patient's appointments are served with the right interaction and scope
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the response status is 200
      And the response is a "Bundle" resource

    Scenario Outline: another interaction's ID sent to <request>
      Given <request>
      And the "Ssp-InteractionID" header is "<interaction>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | request                                                     | interaction                                                     |
        | a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}" | urn:nhs:names:services:gpconnect:fhir:rest:search:organization-1 |

    # Official AppointmentRetrieve "JWT patient type request invalid".
    Scenario Outline: <scope> for a patient's appointments
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "requested_scope" is set to "<scope>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | scope                |
        | organization/*.write |
        | patient/*.write      |

  @RFA-ONL-049 @lot1 @must @route-national
  Rule: The CapabilityStatement declares Appointment read, update and search, as a provider of Appointment Management must

    # Official AppointmentRead, AppointmentAmend and AppointmentRetrieve:
    # their CapabilityStatement checks, which a provider without
    # Appointment Management does not run (so they are not RFA-ACC-021's).
    Scenario Outline: Appointment <interaction> is declared
      Given a metadata request
      When the request is sent
      Then the CapabilityStatement declares the "<interaction>" interaction on "Appointment"

      Examples:
        | interaction |
        | read        |
        | update      |
        | search-type |

  @RFA-ONL-050 @lot1 @must @route-national
  Rule: Appointment Management answers a request for FHIR XML in FHIR XML or refuses it with 415

    Scenario Outline: a free slot search with <how>
      Given a free slot search for the next 3 days
      And <how>
      When the request is sent
      Then the response is FHIR XML or a refusal with 415

      Examples:
        | how                                                                          |
        | the "Accept" header is "application/fhir+xml"                                |
        | the query parameter "_format" is added with the value "application/fhir+xml" |

    Scenario: a read of a booked appointment with Accept XML
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a read of the appointment "mine"
      And the "Accept" header is "application/fhir+xml"
      When the request is sent
      Then the response is FHIR XML or a refusal with 415

  # Profile decision: GP Connect says servers SHOULD support XML; the
  # official appointment features ask for it on every interaction, and
  # send XML bodies to book and to cancel.
  @RFA-ONL-051 @lot1 @should @route-national
  Rule: Appointment Management serves FHIR XML when asked for, and takes bookings and cancellations in FHIR XML

    Scenario Outline: a free slot search with Accept <accept> and _format <format>
      Given a free slot search for the next 3 days
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "<format>"
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the Bundle holds free slots
      And every Slot's Schedule is in the Bundle

      Examples:
        | accept                | format               |
        | application/fhir+xml  | application/fhir+xml |
        | application/fhir+json | application/fhir+xml |

    Scenario Outline: a free slot search with <how>
      Given a free slot search for the next 3 days
      And <how>
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the Bundle holds free slots
      And every Slot's Schedule is in the Bundle

      Examples:
        | how                                                                          |
        | the "Accept" header is "application/fhir+xml"                                |
        | the query parameter "_format" is added with the value "application/fhir+xml" |

    Scenario Outline: a booking with Accept <accept> and _format <format>
      Given a booking of a free slot for "patient10"
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "<format>"
      When the booking is sent
      Then the response is FHIR XML
      And the appointment is booked as "mine"
      And the response is a "Appointment" resource

      Examples:
        | accept                | format               |
        | application/fhir+json | application/fhir+xml |
        | application/fhir+xml  | application/fhir+xml |

    Scenario Outline: a booking in FHIR XML with _format <format>
      Given a booking of a free slot for "patient10"
      And the query parameter "_format" is added with the value "<format>"
      And the request body is sent as FHIR XML
      When the booking is sent
      Then the response is <answer>
      And the appointment is booked as "mine"
      And the response is a "Appointment" resource

      Examples:
        | format                | answer    |
        | application/fhir+json | FHIR JSON |
        | application/fhir+xml  | FHIR XML  |

    Scenario: a booking with Accept XML
      Given a booking of a free slot for "patient10"
      And the "Accept" header is "application/fhir+xml"
      When the booking is sent
      Then the response is FHIR XML
      And the appointment is booked as "mine"

    Scenario Outline: a read of a booked appointment with <how>
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a read of the appointment "mine"
      And <how>
      When the request is sent
      Then the response status is 200
      And the response is FHIR XML
      And the response is the appointment "mine"
      And the XML answer has the content of the FHIR JSON answer to the same request

      Examples:
        | how                                                                          |
        | the "Accept" header is "application/fhir+xml"                                |
        | the query parameter "_format" is added with the value "application/fhir+xml" |

    Scenario Outline: <request> with Accept <accept> and _format XML
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the request is sent
      Then the response is FHIR XML
      And <check>

      Examples:
        | request                                                                              | accept                | check                                                                                      |
        | a read of the appointment "mine"                                                     | application/fhir+json | the response is the appointment "mine"                                                     |
        | a read of the appointment "mine"                                                     | application/fhir+xml  | the response is the appointment "mine"                                                     |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | application/fhir+json | the appointment in the response has "description" set to "customDescription" at version 2 |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | application/fhir+xml  | the appointment in the response has "description" set to "customDescription" at version 2 |
        | a cancellation of "mine" with the reason "double booked"                             | application/fhir+json | the appointment is cancelled with the reason "double booked"                               |
        | a cancellation of "mine" with the reason "double booked"                             | application/fhir+xml  | the appointment is cancelled with the reason "double booked"                               |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" | application/fhir+json | the Bundle includes the appointment "mine"                                                 |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" | application/fhir+xml  | the Bundle includes the appointment "mine"                                                 |

    Scenario Outline: <request> with <how>
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      And <how>
      When the request is sent
      Then the response is FHIR XML
      And <check>

      Examples:
        | request                                                                              | how                                                                          | check                                                                                      |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | the query parameter "_format" is added with the value "application/fhir+xml" | the appointment in the response has "description" set to "customDescription" at version 2 |
        | an amendment of the appointment "mine" setting "description" to "customDescription" | the "Accept" header is "application/fhir+xml"                                | the appointment in the response has "description" set to "customDescription" at version 2 |
        | a cancellation of "mine" with the reason "double booked"                             | the query parameter "_format" is added with the value "application/fhir+xml" | the appointment is cancelled with the reason "double booked"                               |
        | a cancellation of "mine" with the reason "double booked"                             | the "Accept" header is "application/fhir+xml"                                | the appointment is cancelled with the reason "double booked"                               |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" | the "Accept" header is "application/fhir+xml"                                | the Bundle includes the appointment "mine"                                                 |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" | the query parameter "_format" is added with the value "application/fhir+xml" | the Bundle includes the appointment "mine"                                                 |

    Scenario Outline: a cancellation in FHIR XML with Accept <accept> and _format <format>
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "double booked"
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "<format>"
      And the request body is sent as FHIR XML
      When the request is sent
      Then the response is <answer>
      And the appointment is cancelled with the reason "double booked"

      Examples:
        | accept                | format                | answer    |
        | application/fhir+xml  | application/fhir+xml  | FHIR XML  |
        | application/fhir+xml  | application/fhir+json | FHIR JSON |
        | application/fhir+json | application/fhir+json | FHIR JSON |
        | application/fhir+json | application/fhir+xml  | FHIR XML  |
