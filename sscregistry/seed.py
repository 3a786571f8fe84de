"""The registry's demo data: every record the five seed documents mention, with every fact they state.

The documents (kept outside the repository, in shared/seeds/):
  A. Norec news, English: the Norec report launched at BAPA+40.
  B. The same news in Norwegian Nynorsk.
  C. "Partnership with UNOSSC", 19 February 2018: UNOSSC and the World Green Economy Organization.
  D. "Rome-Based Agencies Celebration of UN Day for South-South Cooperation, 12 September 2023".
  E. UNECE "Technical Cooperation Strategy" (English and Russian versions).

Facts the documents imply but do not state (BAPA+40's dates and city, DAC channel codes, ...) are
added with a source link, and each record links to the seed documents that mention it. `load_seed_data`
creates the records that are missing and never changes one that exists (a curator may have edited it),
so it can run on every start.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pghistory
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from events.models import Event, EventOrganiser, EventParticipant, RegistrationLink
from partnerships.models import Participation, Partner, PartnerName, Partnership, Person
from registry import embeddings
from registry.models import SourceLink
from registry.search import search_documents, search_index_update
from registry.signals import disconnected
from registry.workflow import Status
from reports.models import (
    Authorship,
    LanguageVersion,
    Publication,
    PublicationOrganisation,
    PublicationRelation,
    Series,
)
from vocabularies.models import Theme

CRS_CODELIST = "https://iatistandard.org/en/iati-standard/203/codelists/crschannelcode/"

THEMES = {
    "green-economy": "Green economy",
    "exchange-of-personnel": "Exchange of personnel",
    "reciprocity": "Reciprocity",
    "digital-cooperation": "Digital cooperation",
    "technical-cooperation": "Technical cooperation",
    "capacity-building": "Capacity building",
    "trade-and-transport-facilitation": "Trade and transport facilitation",
    "transport-corridors": "Transport corridors",
    "energy-efficiency": "Energy efficiency",
    "knowledge-based-economy": "Knowledge-based economy",
    "environmental-protection": "Environmental protection",
    "resource-mobilization": "Resource mobilization",
    "knowledge-sharing": "Knowledge sharing",
    "policy-dialogue": "Policy dialogue",
}

PARTNERS: list[dict[str, Any]] = [
    {
        "slug": "united-nations",
        "name": "United Nations",
        "acronym": "UN",
        "organisation_type_id": "40",
        "country_id": "US",
        "website": "https://www.un.org",
        "description": "The United Nations Organization, its General Assembly and Secretariat.",
        "alternative_names": [("FN", "nn", PartnerName.Kind.TRANSLATION)],
    },
    {
        "slug": "undp",
        "name": "United Nations Development Programme",
        "acronym": "UNDP",
        "organisation_type_id": "40",
        "country_id": "US",
        "identifier": "XM-DAC-41114",
        "website": "https://www.undp.org",
        "description": "Hosts the UN Office for South-South Cooperation.",
        "sources": [(CRS_CODELIST, "IATI CRS channel code 41114", "DAC channel code")],
    },
    {
        "slug": "unossc",
        "name": "United Nations Office for South-South Cooperation",
        "acronym": "UNOSSC",
        "organisation_type_id": "40",
        "country_id": "US",
        "parent": "undp",
        "website": "https://www.unsouthsouth.org",
        "description": (
            "The General Assembly-mandated global and United Nations-wide facilitator of South-South "
            "and triangular cooperation, working in close cooperation and coordination with UNDP and "
            "other UN agencies, funds and programmes. Publishes the series 'South-South and "
            "Triangular Cooperation in Action'."
        ),
        "alternative_names": [
            ("FNs organisasjon for sør-sør-samarbeid", "nn", PartnerName.Kind.TRANSLATION),
            ("UN Office for South-South Cooperation", "en", PartnerName.Kind.VARIANT),
        ],
    },
    {
        "slug": "norec",
        "name": "Norwegian Agency for Exchange Cooperation",
        "acronym": "Norec",
        "organisation_type_id": "10",
        "country_id": "NO",
        "website": "https://www.norec.no",
        "description": (
            "Norwegian agency for exchanges of staff between organisations. Its model centres on "
            "exchanges of personnel and knowledge, the individual and reciprocity, around SDG 17. "
            "The first in Norway to take up South-South cooperation, active in the field for 18 years "
            "in 2019, both facilitating South-South exchanges and supporting triangular cooperation "
            "with Norwegian partners; it aims to be a Centre of Excellence on South-South and "
            "triangular cooperation."
        ),
        "alternative_names": [
            ("Norsk senter for utvekslingssamarbeid", "no", PartnerName.Kind.TRANSLATION),
        ],
    },
    {
        "slug": "norwegian-ministry-of-foreign-affairs",
        "name": "Norwegian Ministry of Foreign Affairs",
        "acronym": "",
        "organisation_type_id": "10",
        "country_id": "NO",
        "website": "https://www.regjeringen.no/en/dep/ud/",
        "alternative_names": [("Utanriksdepartementet", "nn", PartnerName.Kind.TRANSLATION)],
    },
    {
        "slug": "government-of-argentina",
        "name": "Government of Argentina",
        "organisation_type_id": "10",
        "country_id": "AR",
        "description": "Host of BAPA+40 in Buenos Aires.",
        "sources": [
            ("https://undocs.org/A/RES/71/318", "General Assembly resolution 71/318", "Host of BAPA+40")
        ],
    },
    {
        "slug": "wgeo",
        "name": "World Green Economy Organization",
        "acronym": "WGEO",
        "organisation_type_id": "90",
        "country_id": "AE",
        "website": "https://www.wgeo.org",
        "description": (
            "International organisation promoting the green economy through seven partnership "
            "platforms: Public Sector, Private Sector, Financial Sector, Cities, Academia and Youth, "
            "Civil Society and International Organizations. The major part of its stakeholders and "
            "beneficiaries come from the Global South."
        ),
    },
    # The three Rome-based agencies: UN entities in Rome, each named by its DAC channel code.
    *(
        {
            "slug": slug,
            "name": name,
            "acronym": slug.upper(),
            "organisation_type_id": "40",
            "country_id": "IT",
            "identifier": f"XM-DAC-{code}",
            "website": f"https://www.{slug}.org",
            "description": f"One of the three Rome-based agencies, with {others}.",
            "alternative_names": [("Rome-based agencies", "en", PartnerName.Kind.VARIANT)],
            "sources": [(CRS_CODELIST, f"IATI CRS channel code {code}", "DAC channel code")],
        }
        for slug, name, code, others in (
            ("fao", "Food and Agriculture Organization of the United Nations", "41301", "IFAD and WFP"),
            ("ifad", "International Fund for Agricultural Development", "41108", "FAO and WFP"),
            ("wfp", "World Food Programme", "41140", "FAO and IFAD"),
        )
    ),
    {
        "slug": "rwanda-cooperation",
        "name": "Rwanda Cooperation",
        "organisation_type_id": "10",
        "country_id": "RW",
        "description": (
            "The agency in the lead of coordinating and mainstreaming Rwanda's South-South "
            "Cooperation activities. Runs the Rwanda Cooperation Governance Centre in Kigali."
        ),
    },
    {
        "slug": "unece",
        "name": "United Nations Economic Commission for Europe",
        "acronym": "UNECE",
        "organisation_type_id": "40",
        "country_id": "CH",
        "identifier": "XM-DAC-41314",
        "parent": "united-nations",
        "website": "https://unece.org",
        "description": (
            "UN regional commission whose main goal is the facilitation of mutually beneficial "
            "economic relations among its member States. Its technical cooperation supports countries "
            "in transition and emerging market economies, with a Technical Cooperation Unit, "
            "Divisions and Regional Advisers."
        ),
        "sources": [(CRS_CODELIST, "IATI CRS channel code 41314", "DAC channel code")],
    },
]

PEOPLE: list[dict[str, Any]] = [
    {
        "slug": "jens-frolich-holte",
        "name": "Jens Frølich Holte",
        "position": "State Secretary",
        "affiliation": "norwegian-ministry-of-foreign-affairs",
    },
    {"slug": "helge-espe", "name": "Helge Espe", "position": "Senior Adviser", "affiliation": "norec"},
    {"slug": "astrid-scnitzer-skjonsberg", "name": "Astrid Scnitzer-Skjønsberg", "position": "Consultant"},
    {
        "slug": "jan-olav-baaroy",
        "name": "Jan Olav Baarøy",
        "position": "Director General",
        "affiliation": "norec",
    },
    {
        "slug": "amina-mohammed",
        "name": "Amina Mohammed",
        "position": "Deputy Secretary-General of the United Nations",
        "affiliation": "united-nations",
        "sources": [
            (
                "https://www.un.org/sg/en/dsg",
                "United Nations: the Deputy Secretary-General",
                "Her title; the Norec articles call her 'the Secretary General of the UN'.",
            )
        ],
    },
]


def _aware(year: int, month: int, day: int, hour: int, minute: int, zone: str) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


BUENOS_AIRES = "America/Argentina/Buenos_Aires"

EVENTS: list[dict[str, Any]] = [
    {
        "slug": "tcdc-1978",
        "title": "United Nations Conference on Technical Cooperation among Developing Countries",
        "short_title": "TCDC 1978",
        "event_type": Event.Type.CONFERENCE,
        "start": _aware(1978, 8, 30, 0, 0, BUENOS_AIRES),
        "end": _aware(1978, 9, 12, 23, 59, BUENOS_AIRES),
        "timezone": BUENOS_AIRES,
        "all_day": True,
        "city": "Buenos Aires",
        "country_id": "AR",
        "attendance_mode": Event.AttendanceMode.IN_PERSON,
        "description": (
            "The groundbreaking UN conference on Technical Cooperation between Developing Countries. "
            "On 12 September 1978 it adopted the Buenos Aires Plan of Action for Promoting and "
            "Implementing Technical Cooperation among Developing Countries, the roadmap for the "
            "development of South-South cooperation applied since. The UN Day for South-South "
            "Cooperation on 12 September commemorates it."
        ),
        "organisers": [("united-nations", EventOrganiser.Role.ORGANISER, "")],
        "sources": [
            (
                "https://undocs.org/A/CONF.79/13/Rev.1",
                "Report of the United Nations Conference on Technical Cooperation among Developing Countries",
                "Dates and place: Buenos Aires, 30 August to 12 September 1978.",
            )
        ],
    },
    {
        "slug": "bapa40",
        "title": "Second High-level United Nations Conference on South-South Cooperation",
        "short_title": "BAPA+40",
        "event_type": Event.Type.CONFERENCE,
        "start": _aware(2019, 3, 20, 0, 0, BUENOS_AIRES),
        "end": _aware(2019, 3, 22, 23, 59, BUENOS_AIRES),
        "timezone": BUENOS_AIRES,
        "all_day": True,
        "city": "Buenos Aires",
        "country_id": "AR",
        "attendance_mode": Event.AttendanceMode.IN_PERSON,
        "description": (
            "The Second United Nations (UN) Conference on South-South Cooperation, also known as "
            "BAPA+40, marks the 40th anniversary of the 1978 UN conference on Technical Cooperation "
            "among Developing Countries and its Buenos Aires Plan of Action. Norway attended with an "
            "official delegation from the Ministry of Foreign Affairs."
        ),
        "organisers": [
            ("united-nations", EventOrganiser.Role.ORGANISER, "Convened by the General Assembly."),
            ("unossc", EventOrganiser.Role.CO_ORGANISER, "Described by Norec as UNOSSC's conference."),
            ("government-of-argentina", EventOrganiser.Role.HOST, ""),
        ],
        "participants": [
            ("helge-espe", "", EventParticipant.Role.DELEGATE, "norwegian-ministry-of-foreign-affairs"),
            ("jan-olav-baaroy", "", EventParticipant.Role.DELEGATE, "norwegian-ministry-of-foreign-affairs"),
        ],
        "sources": [
            (
                "https://undocs.org/A/RES/71/318",
                "General Assembly resolution 71/318",
                "Convened in Buenos Aires, 20 to 22 March 2019.",
            )
        ],
    },
    {
        "slug": "south-south-cooperation-in-the-digital-era",
        "title": "South-South Cooperation in the Digital Era",
        "short_title": "",
        "event_type": Event.Type.SIDE_EVENT,
        "parent": "bapa40",
        "start": _aware(2019, 3, 19, 0, 0, BUENOS_AIRES),
        "end": _aware(2019, 3, 19, 23, 59, BUENOS_AIRES),
        "timezone": BUENOS_AIRES,
        "all_day": True,
        "schedule_note": "Tuesday afternoon, the day before the official opening of BAPA+40",
        "city": "Buenos Aires",
        "country_id": "AR",
        "attendance_mode": Event.AttendanceMode.IN_PERSON,
        "description": (
            "Event at BAPA+40 where the special report on Norec in the series 'South-South and "
            "Triangular Cooperation in Action' was launched, presented by State Secretary Jens "
            "Frølich Holte and the Director of UNOSSC."
        ),
        "themes": ["digital-cooperation"],
        "organisers": [("unossc", EventOrganiser.Role.ORGANISER, "")],
        "participants": [
            (
                "jens-frolich-holte",
                "",
                EventParticipant.Role.PRESENTER,
                "norwegian-ministry-of-foreign-affairs",
            ),
            (None, "The Director of UNOSSC", EventParticipant.Role.PRESENTER, "unossc"),
            (None, "Uganda's UN ambassador and President of UNOSSC", EventParticipant.Role.GUEST, None),
            ("amina-mohammed", "", EventParticipant.Role.GUEST, "united-nations"),
            (None, "Representatives from UNDP", EventParticipant.Role.GUEST, "undp"),
        ],
    },
    {
        "slug": "un-day-for-south-south-cooperation-2023-kigali",
        "title": "Rome-Based Agencies Celebration of UN Day for South-South Cooperation",
        "short_title": "UN Day for South-South Cooperation 2023",
        "event_type": Event.Type.OBSERVANCE,
        "theme": "Solidarity, Equity and Partnership: Unlocking South-South Cooperation to Achieve the SDGs",
        "start": _aware(2023, 9, 12, 9, 0, "Africa/Kigali"),
        "end": _aware(2023, 9, 12, 13, 0, "Africa/Kigali"),
        "timezone": "Africa/Kigali",
        "all_day": False,
        "venue": "Rwanda Cooperation Governance Center",
        "city": "Kigali",
        "country_id": "RW",
        "attendance_mode": Event.AttendanceMode.HYBRID,
        "document_symbols": ["A/C.2/66/L.48"],
        "description": (
            "The UN General Assembly has established 12 September of every year as the United Nations "
            "Day for South-South Cooperation. The day commemorates the adoption, in 1978, of the "
            "Buenos Aires Plan of Action for Promoting and Implementing Technical Cooperation among "
            "Developing Countries. Coming ahead of the SDG Summit, it highlights needs emerging from "
            "the regions and transformative initiatives of Member States, the UN System, the private "
            "sector and civil society towards the 2030 Agenda.\n\n"
            "Rwanda Cooperation, in partnership with the Rome-based agencies FAO, IFAD and WFP, "
            "celebrates the day in Rwanda. The event convenes development partners, members of the "
            "Diplomatic Corps, public institutions and civil society to discuss implementation "
            "strategies and share knowledge to accelerate: the establishment of appropriate "
            "mechanisms to mobilize resources; complementary knowledge sharing and technical "
            "assistance; the development of platforms to increase policy dialogue and build "
            "capacities; stakeholder engagement with the private sector, civil society and research "
            "institutions."
        ),
        "themes": ["resource-mobilization", "knowledge-sharing", "policy-dialogue", "capacity-building"],
        "organisers": [
            ("rwanda-cooperation", EventOrganiser.Role.HOST, "Lead of Rwanda's South-South Cooperation."),
            ("fao", EventOrganiser.Role.CO_ORGANISER, "Rome-based agency"),
            ("ifad", EventOrganiser.Role.CO_ORGANISER, "Rome-based agency"),
            ("wfp", EventOrganiser.Role.CO_ORGANISER, "Rome-based agency"),
        ],
        "registration": [
            (
                RegistrationLink.Kind.IN_PERSON,
                "The announcement links to it; its address is not in the text.",
            ),
            (RegistrationLink.Kind.ONLINE, "The announcement links to it; its address is not in the text."),
        ],
        "announced_on": datetime.date(2023, 9, 8),
    },
    {
        "slug": "sdg-summit-2023",
        "title": "SDG Summit 2023",
        "short_title": "SDG Summit",
        "event_type": Event.Type.CONFERENCE,
        "start": _aware(2023, 9, 18, 0, 0, "America/New_York"),
        "end": _aware(2023, 9, 19, 23, 59, "America/New_York"),
        "timezone": "America/New_York",
        "all_day": True,
        "venue": "United Nations Headquarters",
        "city": "New York",
        "country_id": "US",
        "attendance_mode": Event.AttendanceMode.IN_PERSON,
        "description": (
            "High-level political forum on sustainable development under the auspices of the General "
            "Assembly, reviewing the 2030 Agenda at its midpoint. The UN Day for South-South "
            "Cooperation 2023 came ahead of it."
        ),
        "organisers": [("united-nations", EventOrganiser.Role.ORGANISER, "")],
        "sources": [
            (
                "https://www.un.org/en/conferences/SDGSummit2023",
                "United Nations: SDG Summit 2023",
                "Held at UN Headquarters in New York on 18 and 19 September 2023.",
            )
        ],
    },
    {
        "slug": "unece-62nd-session",
        "title": "Sixty-second session of the United Nations Economic Commission for Europe",
        "short_title": "UNECE 62nd session",
        "event_type": Event.Type.SESSION,
        "start": _aware(2007, 4, 1, 0, 0, "Europe/Zurich"),
        "end": _aware(2007, 4, 1, 0, 0, "Europe/Zurich"),
        "timezone": "Europe/Zurich",
        "all_day": True,
        "date_precision": "month",
        "city": "Geneva",
        "country_id": "CH",
        "attendance_mode": Event.AttendanceMode.IN_PERSON,
        "description": "Adopted the revised UNECE Technical Cooperation Strategy in April 2007.",
        "organisers": [("unece", EventOrganiser.Role.ORGANISER, "")],
    },
]

SERIES = [
    {
        "slug": "south-south-and-triangular-cooperation-in-action",
        "name": "South-South and Triangular Cooperation in Action",
        "publisher": "unossc",
        "description": (
            "UNOSSC's series in which countries and institutions describe how they use South-South "
            "and triangular cooperation in their development work; over 20 had written theirs before "
            "the volume on Norec (2019)."
        ),
    }
]

PUBLICATIONS: list[dict[str, Any]] = [
    {
        "slug": "south-south-and-triangular-cooperation-in-action-norec",
        "title": "South-South and Triangular Cooperation in Action: Norec",
        "publication_type": Publication.Type.REPORT,
        "publication_date": datetime.date(2019, 3, 19),
        "publication_date_precision": "day",
        "series": "south-south-and-triangular-cooperation-in-action",
        "launched_at": "south-south-cooperation-in-the-digital-era",
        "launch_type": Publication.LaunchType.LAUNCHED,
        "summary": (
            "Special report on Norec, written in cooperation with UNOSSC. It describes Norec since its "
            "beginning, its present model and how it will develop as a Centre of Excellence, and shows "
            "how the model differs from one-sided traditional aid by focusing on exchanges of staff, "
            "the individual and reciprocity, centred on SDG 17. Projects from Latin America, Asia and "
            "Africa, in the public, private and civil society sectors, illustrate the model."
        ),
        "authors": ["helge-espe", "astrid-scnitzer-skjonsberg"],
        "organisations": [
            ("unossc", PublicationOrganisation.Role.PUBLISHER),
            ("unossc", PublicationOrganisation.Role.PARTNER),
            ("norec", PublicationOrganisation.Role.AUTHOR),
            ("norec", PublicationOrganisation.Role.SUBJECT),
        ],
        "versions": [("en", "South-South and Triangular Cooperation in Action: Norec", True)],
        "sdgs": [17],
        "regions": ["419", "142", "002"],
        "themes": ["exchange-of-personnel", "reciprocity"],
        "partnerships": ["norec-south-south-and-triangular-exchanges"],
    },
    {
        "slug": "lanserer-spesialrapport-om-norec-pa-bapa40",
        "title": "FNs organisasjon for sør-sør-samarbeid lanserer spesialrapport om Norec",
        "publication_type": Publication.Type.NEWS,
        "publication_date": datetime.date(2019, 3, 19),
        "publication_date_precision": "day",
        "summary": (
            "FNs organisasjon for sør-sør samarbeid lanserer i dag ein spesialrapport om Norec på sin "
            "store internasjonale konferanse BAPA+40. Rapporten, «South South and Triangular "
            "Cooperation in Action: Norec», markerer Norec som internasjonal aktør og kompetansesenter."
        ),
        "authors": [],
        "organisations": [
            ("norec", PublicationOrganisation.Role.PUBLISHER),
            ("norec", PublicationOrganisation.Role.SUBJECT),
            ("unossc", PublicationOrganisation.Role.SUBJECT),
        ],
        "language": "nn",
        "versions": [("nn", "FNs organisasjon for sør-sør-samarbeid lanserer spesialrapport om Norec", True)],
        "sdgs": [17],
        "relations": [
            ("south-south-and-triangular-cooperation-in-action-norec", PublicationRelation.Type.REFERENCES),
        ],
    },
    {
        "slug": "norec-report-launched-at-bapa40",
        "title": "Special report on Norec launched at BAPA+40",
        "publication_type": Publication.Type.NEWS,
        "publication_date": datetime.date(2019, 3, 19),
        "publication_date_precision": "day",
        "summary": (
            "A special report on Norec, written in cooperation with UNOSSC, is launched on Tuesday "
            "afternoon, a day before the official opening of BAPA+40 in Buenos Aires, during the event "
            "'South-South Cooperation in the Digital Era'. Senior Adviser Helge Espe, who wrote it with "
            "consultant Astrid Scnitzer-Skjønsberg, attends the conference with Director General Jan "
            "Olav Baarøy as part of an official delegation from the Norwegian Ministry of Foreign Affairs."
        ),
        "authors": [],
        "organisations": [
            ("norec", PublicationOrganisation.Role.PUBLISHER),
            ("norec", PublicationOrganisation.Role.SUBJECT),
            ("unossc", PublicationOrganisation.Role.SUBJECT),
        ],
        "versions": [("en", "Special report on Norec launched at BAPA+40", False)],
        "sdgs": [17],
        "relations": [
            ("lanserer-spesialrapport-om-norec-pa-bapa40", PublicationRelation.Type.IS_TRANSLATION_OF),
            ("south-south-and-triangular-cooperation-in-action-norec", PublicationRelation.Type.REFERENCES),
        ],
    },
    {
        "slug": "buenos-aires-plan-of-action-1978",
        "title": (
            "Buenos Aires Plan of Action for Promoting and Implementing Technical Cooperation among "
            "Developing Countries"
        ),
        "publication_type": Publication.Type.OUTCOME_DOCUMENT,
        "publication_date": datetime.date(1978, 9, 12),
        "publication_date_precision": "day",
        "launched_at": "tcdc-1978",
        "launch_type": Publication.LaunchType.ADOPTED,
        "summary": (
            "The roadmap for the development of South-South cooperation, adopted by the United Nations "
            "Conference on Technical Cooperation among Developing Countries on 12 September 1978."
        ),
        "authors": [],
        "organisations": [("united-nations", PublicationOrganisation.Role.PUBLISHER)],
        "versions": [],
        "themes": ["technical-cooperation"],
    },
    {
        "slug": "unece-technical-cooperation-strategy-2004",
        "title": "UNECE Technical Cooperation Strategy paper (2004)",
        "publication_type": Publication.Type.STRATEGY,
        "document_category_id": "B02",
        "publication_date": datetime.date(2004, 1, 1),
        "publication_date_precision": "year",
        "summary": "The 2004 strategy paper on which the revised 2007 Technical Cooperation Strategy builds.",
        "authors": [],
        "organisations": [("unece", PublicationOrganisation.Role.PUBLISHER)],
        "versions": [],
        "themes": ["technical-cooperation"],
    },
    {
        "slug": "work-plan-on-unece-reform-2005",
        "title": "Work Plan on UNECE Reform",
        "publication_type": Publication.Type.OTHER,
        "publication_date": datetime.date(2005, 1, 1),
        "publication_date_precision": "year",
        "summary": (
            "The 2005 Work Plan on UNECE Reform, with which the 2007 Technical Cooperation Strategy "
            "is aligned."
        ),
        "authors": [],
        "organisations": [("unece", PublicationOrganisation.Role.PUBLISHER)],
        "versions": [],
    },
    {
        "slug": "unece-technical-cooperation-strategy-2007",
        "title": "Technical Cooperation Strategy",
        "publication_type": Publication.Type.STRATEGY,
        "document_category_id": "B02",
        "publication_date": datetime.date(2007, 4, 1),
        "publication_date_precision": "month",
        "launched_at": "unece-62nd-session",
        "launch_type": Publication.LaunchType.ADOPTED,
        "summary": (
            "The revised Technical Cooperation Strategy of the UN Economic Commission for Europe, "
            "adopted at its 62nd session in April 2007. Building on the 2004 strategy paper, it "
            "outlines the rationale for UNECE technical cooperation and brings its principles and main "
            "goals in line with the 2005 Work Plan on UNECE Reform. It introduces new components, such "
            "as the role of intergovernmental bodies and the secretariat after the reform, streamlines "
            "fund-raising around the UNECE Divisions and Regional Advisers, elaborates the functions of "
            "the Technical Cooperation Unit and delineates the Regional Advisers' responsibilities.\n\n"
            "Strategic framework and priorities are defined by the member States. Technical cooperation "
            "is an instrument of the Commission's main goal, the facilitation of mutually beneficial "
            "economic relations, and concentrates on trans-boundary issues such as trans-European and "
            "trans-continental transport corridors, protection of the environment, trade and transport "
            "facilitation, energy efficiency and the knowledge-based economy. It supports countries in "
            "transition and emerging market economies in integrating into the European and global "
            "economy, including through cooperation agreements with sub-regional country groupings, "
            "with institutional development and capacity building: harmonising national standards, "
            "norms and regulations with those of the UNECE, removing administrative barriers to the "
            "cross-border movement of goods and people, transfer of expertise, training of nationals "
            "and efficient use of national resources, towards the internationally agreed development "
            "goals."
        ),
        "authors": [],
        "organisations": [("unece", PublicationOrganisation.Role.PUBLISHER)],
        "versions": [
            ("en", "Technical Cooperation Strategy", True),
            ("ru", "Стратегия технического сотрудничества", False),
        ],
        "themes": [
            "technical-cooperation",
            "capacity-building",
            "transport-corridors",
            "environmental-protection",
            "trade-and-transport-facilitation",
            "energy-efficiency",
            "knowledge-based-economy",
        ],
        "relations": [
            ("unece-technical-cooperation-strategy-2004", PublicationRelation.Type.IS_DERIVED_FROM),
            ("work-plan-on-unece-reform-2005", PublicationRelation.Type.REFERENCES),
        ],
    },
]

PARTNERSHIPS: list[dict[str, Any]] = [
    {
        "slug": "unossc-wgeo-green-economy",
        "title": "UNOSSC and World Green Economy Organization partnership for the green economy",
        "summary": (
            "UNOSSC supports the partnership mobilization and global outreach of the World Green "
            "Economy Organization through South-South and triangular cooperation, along WGEO's seven "
            "partnership platforms."
        ),
        "objective": (
            "Contribute to promoting Green Economy through support in the partnership mobilization and "
            "global outreach efforts of the World Green Economy Organization through South-South and "
            "Triangular Cooperation in complementarity to traditional North-South Cooperation."
        ),
        "description": (
            "In line with its mandate and strategic outlook, and given its capacity, the UN Office for "
            "South-South Cooperation, as the General Assembly-mandated global and United Nations-wide "
            "facilitator of South-South and triangular cooperation, and in close cooperation and "
            "coordination with UNDP and other UN agencies, funds and programmes, is well placed to "
            "support the partnership mobilization and global outreach of the World Green Economy "
            "Organization, since the major part of WGEO's stakeholders and beneficiaries come from the "
            "Global South.\n\n"
            "UNOSSC's role is to showcase the effectiveness of the South-South and triangular "
            "cooperation model in further catalyzing the adoption of Green Economy approaches by "
            "countries and other stakeholders, and in enhancing their intensity and dynamics.\n\n"
            "Activities focus on facilitating cooperation along the seven partnership platforms "
            "established by WGEO (Public Sector, Private Sector, Financial Sector, Cities, Academia and "
            "Youth, Civil Societies and International Organizations); additional support can be "
            "provided on a demand-driven basis. The partnership stays flexible in responding to WGEO's "
            "changing priorities in advancing the Green Economy agenda, while keeping its initial focus "
            "on building strong partnerships and broadening the organization's outreach."
        ),
        "modalities": ["south_south", "triangular"],
        "start_date": datetime.date(2018, 2, 19),
        "start_date_precision": "day",
        "participants": [
            ("unossc", None, "facilitating", "Facilitator of South-South and triangular cooperation"),
            ("wgeo", None, "beneficiary", "Supported in partnership mobilization and global outreach"),
            ("undp", None, "", "In close cooperation and coordination with UNOSSC"),
        ],
        "platforms": [
            "public-sector",
            "private-sector",
            "financial-sector",
            "cities",
            "academia-and-youth",
            "civil-society",
            "international-organizations",
        ],
        "sdgs": [17],
        "sdg_targets": ["17.6", "17.17"],
        "themes": ["green-economy"],
    },
    {
        "slug": "norec-south-south-and-triangular-exchanges",
        "title": "Norec South-South exchanges and triangular cooperation",
        "summary": (
            "Norec facilitates South-South exchanges of personnel and knowledge and supports triangular "
            "cooperation with Norwegian partners, in Latin America, Asia and Africa."
        ),
        "objective": (
            "Partnerships that mutually exchange both personnel and knowledge, built on the notion that "
            "all have something to contribute and something to learn."
        ),
        "description": (
            "Norec was the first in Norway to take up South-South cooperation and has worked actively "
            "in the field for 18 years (as of 2019): as a facilitator of South-South exchanges and by "
            "supporting triangular cooperation with Norwegian partners. Its projects span Latin "
            "America, Asia and Africa and the public, private and civil society sectors. The model "
            "centres on exchanges of staff, the individual and reciprocity, around SDG 17."
        ),
        "modalities": ["south_south", "triangular"],
        "activity_status_id": "2",
        "start_date": datetime.date(2001, 1, 1),
        "start_date_precision": "year",
        "participants": [
            ("norec", None, "facilitating", "Facilitates exchanges and supports triangular cooperation")
        ],
        "platforms": ["public-sector", "private-sector", "civil-society"],
        "sdgs": [17],
        "regions": ["419", "142", "002"],
        "themes": ["exchange-of-personnel", "reciprocity"],
    },
    {
        "slug": "rwanda-cooperation-rome-based-agencies",
        "title": "Rwanda Cooperation and the Rome-based agencies on South-South cooperation",
        "summary": (
            "Rwanda Cooperation, the lead agency for Rwanda's South-South Cooperation, works in "
            "partnership with the Rome-based agencies FAO, IFAD and WFP; together they celebrated the "
            "UN Day for South-South Cooperation 2023 in Kigali."
        ),
        "objective": (
            "Accelerate resource mobilization mechanisms, complementary knowledge sharing and technical "
            "assistance, platforms for policy dialogue and capacity building, and stakeholder "
            "engagement with the private sector, civil society and research institutions."
        ),
        "description": "",
        "modalities": ["south_south", "triangular"],
        "participants": [
            ("rwanda-cooperation", None, "pivotal", "Lead of Rwanda's South-South Cooperation"),
            ("fao", None, "facilitating", "Rome-based agency"),
            ("ifad", None, "facilitating", "Rome-based agency"),
            ("wfp", None, "facilitating", "Rome-based agency"),
        ],
        "countries": ["RW"],
        "sdgs": [17],
        "themes": ["resource-mobilization", "knowledge-sharing", "policy-dialogue", "capacity-building"],
        "events": ["un-day-for-south-south-cooperation-2023-kigali"],
    },
]


# The five seed documents: the source of every seed record that they mention.
DOCUMENTS: dict[str, tuple[str, str, datetime.date | None]] = {
    "norec-en": (
        "https://www.norec.no/en/about-fk/news/un-report-about-norec/",
        "Norec: UN report about Norec (news, English)",
        datetime.date(2019, 3, 19),
    ),
    "norec-nn": (
        "https://www.norec.no/aktuelt/nyheiter/fn-lanserer-spesialrapport-om-norec/",
        "Norec: FN lanserer spesialrapport om Norec (news, Nynorsk)",
        datetime.date(2019, 3, 19),
    ),
    "wgeo": (
        "https://worldgreeneconomy.org/demo/latest_news/partnership-with-unossc",
        "World Green Economy Organization: Partnership with UNOSSC",
        datetime.date(2018, 2, 19),
    ),
    "rba-un-day": (
        "https://southsouth-galaxy.org/events/rome-based-agencies-celebration-of-un-day-for-south-south-cooperation/",
        "South-South Galaxy: Rome-Based Agencies Celebration of UN Day for South-South Cooperation, "
        "12 September 2023",
        datetime.date(2023, 9, 8),
    ),
    "unece-tcs": (
        "http://www.unece.org/ar/operact/opera/tcoop.html",
        "UNECE: Technical Cooperation Strategy",
        None,
    ),
}

# Which seed documents mention each seed record, by slug.
NOREC = ["norec-en", "norec-nn"]
MENTIONED_IN: dict[str, list[str]] = {
    # partners
    "united-nations": ["norec-en", "rba-un-day"],
    "undp": ["norec-en", "wgeo"],
    "unossc": [*NOREC, "wgeo"],
    "norec": NOREC,
    "norwegian-ministry-of-foreign-affairs": NOREC,
    "government-of-argentina": NOREC,
    "wgeo": ["wgeo"],
    "fao": ["rba-un-day"],
    "ifad": ["rba-un-day"],
    "wfp": ["rba-un-day"],
    "rwanda-cooperation": ["rba-un-day"],
    "unece": ["unece-tcs"],
    # people
    "jens-frolich-holte": NOREC,
    "helge-espe": NOREC,
    "astrid-scnitzer-skjonsberg": NOREC,
    "jan-olav-baaroy": NOREC,
    "amina-mohammed": ["norec-en"],
    # events
    "tcdc-1978": [*NOREC, "rba-un-day"],
    "bapa40": NOREC,
    "south-south-cooperation-in-the-digital-era": NOREC,
    "un-day-for-south-south-cooperation-2023-kigali": ["rba-un-day"],
    "sdg-summit-2023": ["rba-un-day"],
    "unece-62nd-session": ["unece-tcs"],
    # publications
    "south-south-and-triangular-cooperation-in-action-norec": NOREC,
    "lanserer-spesialrapport-om-norec-pa-bapa40": ["norec-nn"],
    "norec-report-launched-at-bapa40": ["norec-en"],
    "buenos-aires-plan-of-action-1978": [*NOREC, "rba-un-day"],
    "unece-technical-cooperation-strategy-2004": ["unece-tcs"],
    "work-plan-on-unece-reform-2005": ["unece-tcs"],
    "unece-technical-cooperation-strategy-2007": ["unece-tcs"],
    # partnerships
    "unossc-wgeo-green-economy": ["wgeo"],
    "norec-south-south-and-triangular-exchanges": NOREC,
    "rwanda-cooperation-rome-based-agencies": ["rba-un-day"],
}


class BySlug(dict):
    """Records by slug: those this run made, else the registry's own (a fixture's partnership may
    name a seed partner)."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__()
        self.model = model

    def __missing__(self, slug: str) -> Any:
        record = self.model._default_manager.filter(slug=slug).first() if slug else None
        if record is None:
            raise KeyError(f"No {self.model._meta.verbose_name} has the slug {slug!r}.")
        self[slug] = record
        return record

    def get(self, slug: Any, default: Any = None) -> Any:
        try:
            return self[slug]
        except KeyError:
            return default


SEED: dict[str, list[dict[str, Any]]] = {
    "partners": PARTNERS,
    "people": PEOPLE,
    "events": EVENTS,
    "partnerships": PARTNERSHIPS,
    "series": SERIES,
    "publications": PUBLICATIONS,
}


def _language(data: dict[str, Any]) -> dict[str, Any]:
    """An entry's content language (English unless it says) and translations."""
    return {"language": data.get("language", "en"), "translations": data.get("translations", {})}


class SeedLoader:
    """Creates the seed records that are missing, and never changes one that exists.

    A record counts as existing by its slug. An existing record is left exactly as it is, with its
    parts (names, participants, links, sources, tags): a curator may have edited or removed them.
    A record that is missing is created whole, parts included, and published. So a second run, or
    a run after a curator's edits, writes nothing.
    """

    def __init__(self, data: dict[str, list[dict[str, Any]]] | None = None) -> None:
        # The records to create: the seed documents' by default, or another set in the same shape
        # (the search evaluation's fixture, sscregistry/evaluation/records.json).
        data = data if data is not None else SEED
        self.partners = data.get("partners", [])
        self.people = data.get("people", [])
        self.events = data.get("events", [])
        self.partnerships = data.get("partnerships", [])
        self.series = data.get("series", [])
        self.publications = data.get("publications", [])
        self.created = 0  # rows written: records and their parts
        self.records_created = 0
        self.records_kept = 0
        self._new: set[tuple[type[models.Model], int]] = set()

    def write_search_documents(self) -> None:
        """The search documents of the searchable records this run created."""
        for document in search_documents():
            model = apps.get_model(document.model)
            pks = [pk for created, pk in self._new if created is model]
            if pks:
                search_index_update(model, pks)
                embeddings.enqueue(model, pks)  # signals are off during the seed

    def is_new(self, record: models.Model) -> bool:
        return (type(record), record.pk) in self._new

    def record(self, model: type[models.Model], slug: str, values: dict[str, Any]) -> Any:
        """The record with this slug: the existing one untouched, or a new published one."""
        obj = model._default_manager.filter(slug=slug).first()
        if obj is not None:
            self.records_kept += 1
            return obj
        obj = model(slug=slug, **values)
        if isinstance(obj, (Partner, Person, Partnership, Event, Publication)):
            obj.status = Status.PUBLISHED
            obj.published_at = timezone.now()
        obj.full_clean()
        obj.save()
        self._new.add((model, obj.pk))
        self.created += 1
        self.records_created += 1
        return obj

    def part(self, model: type[models.Model], values: dict[str, Any]) -> Any:
        """A part of a record created in this run (a name, a participant, a link)."""
        obj = model(**values)
        obj.full_clean()
        obj.save()
        self.created += 1
        return obj

    def sources(self, record: models.Model, slug: str, sources: list[tuple[str, str, str]]) -> None:
        content_type = ContentType.objects.get_for_model(record)
        links = [(url, title, note, None) for url, title, note in sources]
        for key in MENTIONED_IN.get(slug, []):
            url, title, published_on = DOCUMENTS[key]
            links.append((url, title, "Seed document: the record's facts come from it.", published_on))
        for url, title, note, published_on in links:
            self.part(
                SourceLink,
                {
                    "content_type": content_type,
                    "object_id": record.pk,
                    "url": url,
                    "title": title,
                    "note": note,
                    "published_on": published_on,
                },
            )

    def m2m(self, record: models.Model, field: str, values: list[Any], lookup: str = "pk") -> None:
        manager = getattr(record, field)
        targets = list(manager.model._default_manager.filter(**{f"{lookup}__in": values}))
        if len(targets) != len(set(values)):
            raise ValueError(f"{record}: unknown {field} among {values}")
        if targets:
            manager.set(targets)

    def run(self) -> None:
        themes = {slug: self.record(Theme, slug, {"name": name}) for slug, name in THEMES.items()}
        partners: dict[str, Partner] = BySlug(Partner)
        # Parents first, so that a new partner is created with its parent in one write.
        pending = list(self.partners)
        while pending:
            waiting = {d["slug"] for d in pending}
            ready = [d for d in pending if not d.get("parent") or d["parent"] not in waiting]
            if not ready:
                raise ValueError("The seed partners' parents form a cycle.")
            for data in ready:
                pending.remove(data)
                values = {
                    k: data.get(k, "") for k in ("name", "acronym", "identifier", "website", "description")
                } | _language(data)
                values |= {
                    "organisation_type_id": data["organisation_type_id"],
                    "country_id": data["country_id"],
                    "parent": partners.get(data.get("parent") or ""),
                }
                partner = self.record(Partner, data["slug"], values)
                partners[data["slug"]] = partner
                if not self.is_new(partner):
                    continue
                for name, language, kind in data.get("alternative_names", []):
                    self.part(
                        PartnerName, {"partner": partner, "name": name, "language_id": language, "kind": kind}
                    )
                self.sources(partner, data["slug"], data.get("sources", []))

        people: dict[str, Person] = BySlug(Person)
        for data in self.people:
            affiliation = partners.get(data.get("affiliation", ""))
            person = self.record(
                Person,
                data["slug"],
                {"name": data["name"], "position": data["position"], "affiliation": affiliation},
            )
            people[data["slug"]] = person
            if self.is_new(person):
                self.sources(person, data["slug"], data.get("sources", []))

        events: dict[str, Event] = BySlug(Event)
        # The events' own columns come straight from their entries; what an entry leaves out takes
        # the model's default.
        event_columns = {f.attname for f in Event._meta.concrete_fields} - {"id", "slug"}
        for data in self.events:
            values = {k: v for k, v in data.items() if k in event_columns}
            values["parent"] = events.get(data.get("parent", ""))
            event = self.record(Event, data["slug"], values)
            events[data["slug"]] = event
            if not self.is_new(event):
                continue
            for slug, role, note in data.get("organisers", []):
                self.part(
                    EventOrganiser, {"event": event, "partner": partners[slug], "role": role, "note": note}
                )
            for order, (person, description, role, representing) in enumerate(data.get("participants", [])):
                self.part(
                    EventParticipant,
                    {
                        "event": event,
                        "order": order,
                        "person": people.get(person or ""),
                        "description": description,
                        "role": role,
                        "representing": partners.get(representing or ""),
                    },
                )
            for kind, note in data.get("registration", []):
                self.part(RegistrationLink, {"event": event, "kind": kind, "note": note, "url": ""})
            self.m2m(event, "themes", [themes[t].pk for t in data.get("themes", [])])
            self.sources(event, data["slug"], data.get("sources", []))

        partnerships: dict[str, Partnership] = BySlug(Partnership)
        for data in self.partnerships:
            values = {k: data.get(k, "") for k in ("title", "summary", "objective", "description")}
            values |= _language(data)
            values |= {
                "activity_status_id": data.get("activity_status_id"),
                "start_date": data.get("start_date"),
                "start_date_precision": data.get("start_date_precision", "day"),
            }
            partnership = self.record(Partnership, data["slug"], values)
            partnerships[data["slug"]] = partnership
            if not self.is_new(partnership):
                continue
            for slug, role, triangular_role, description in data["participants"]:
                self.part(
                    Participation,
                    {
                        "partnership": partnership,
                        "partner": partners[slug],
                        "role_id": role,
                        "triangular_role": triangular_role,
                        "description": description,
                    },
                )
            self.m2m(partnership, "modalities", data.get("modalities", []))
            self.m2m(partnership, "platforms", data.get("platforms", []), lookup="slug")
            self.m2m(partnership, "sdgs", data.get("sdgs", []))
            self.m2m(partnership, "sdg_targets", data.get("sdg_targets", []))
            self.m2m(partnership, "countries", data.get("countries", []))
            self.m2m(partnership, "regions", data.get("regions", []))
            self.m2m(partnership, "themes", data.get("themes", []), lookup="slug")
            for slug in data.get("events", []):
                events[slug].partnerships.add(partnership)
            self.sources(partnership, data["slug"], data.get("sources", []))

        series = {
            data["slug"]: self.record(
                Series,
                data["slug"],
                {
                    "name": data["name"],
                    "publisher": partners[data["publisher"]],
                    "description": data["description"],
                },
            )
            for data in self.series
        }

        publications: dict[str, Publication] = BySlug(Publication)
        for data in self.publications:
            values = _language(data) | {
                "title": data["title"],
                "publication_type": data["publication_type"],
                "document_category_id": data.get("document_category_id"),
                "summary": data["summary"],
                "publication_date": data["publication_date"],
                "publication_date_precision": data["publication_date_precision"],
                "series": series.get(data.get("series", "")),
                "launched_at": events.get(data.get("launched_at", "")),
                "launch_type": data.get("launch_type", Publication.LaunchType.LAUNCHED),
            }
            publication = self.record(Publication, data["slug"], values)
            publications[data["slug"]] = publication
            if not self.is_new(publication):
                continue
            for order, slug in enumerate(data["authors"]):
                self.part(
                    Authorship,
                    {
                        "publication": publication,
                        "person": people[slug],
                        "role": Authorship.Role.AUTHOR,
                        "order": order,
                    },
                )
            for slug, role in data["organisations"]:
                self.part(
                    PublicationOrganisation,
                    {"publication": publication, "partner": partners[slug], "role": role},
                )
            for language, title, original in data["versions"]:
                self.part(
                    LanguageVersion,
                    {
                        "publication": publication,
                        "language_id": language,
                        "title": title,
                        "is_original": original,
                    },
                )
            self.m2m(publication, "sdgs", data.get("sdgs", []))
            self.m2m(publication, "regions", data.get("regions", []))
            self.m2m(publication, "themes", data.get("themes", []), lookup="slug")
            self.m2m(publication, "partnerships", data.get("partnerships", []), lookup="slug")
            self.sources(publication, data["slug"], data.get("sources", []))
        for data in self.publications:
            source = publications[data["slug"]]
            if not self.is_new(source):
                continue
            for target, relation_type in data.get("relations", []):
                self.part(
                    PublicationRelation,
                    {"source": source, "target": publications[target], "relation_type": relation_type},
                )
        report = publications.get("south-south-and-triangular-cooperation-in-action-norec")
        if report is not None and self.is_new(report):
            events["south-south-cooperation-in-the-digital-era"].publications.add(report)


@transaction.atomic
def load_seed_data() -> SeedLoader:
    """Create the missing seed records in one transaction; returns the counts.

    The search documents are written once at the end, for the records this run created, rather
    than by the receivers after every row (which rewrote a partner's documents once per name,
    participation and source: most of the load's time). No other record can quote a record that
    did not exist before the run, so nothing else needs rewriting.
    """
    loader = SeedLoader()
    with transaction.atomic(), pghistory.context(via="seed (manage.py load_seed_data)"), disconnected():
        loader.run()
        loader.write_search_documents()
    return loader
