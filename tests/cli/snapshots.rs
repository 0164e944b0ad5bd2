//! What each command prints for people (tables, trees, text), on the sample registry,
//! compared exactly with the text written next to it. Each snapshot is the transcript of
//! one run: stdout, then `--- stderr` and stderr when there is any, then `--- exit N`
//! when the command does not succeed. Runs are 200 columns wide (no table wraps), without
//! colour, on 26 November 2026 (`STACKREG_TODAY`). `[..]` stands for a commit id or
//! today's date, where a command makes commits; nothing else is elided.
//!
//! When output changes on purpose, rewrite the snapshots from real output and review the
//! diff:
//!
//! ```sh
//! SNAPSHOTS=overwrite cargo test --test cli snapshots
//! ```

use std::fmt::Write as _;
use std::path::Path;

use snapbox::{assert_data_eq, str};

use crate::support::*;

/// The width of every run: wide enough that no table of the sample registry wraps.
const WIDE: &[(&str, &str)] = &[("COLUMNS", "200")];

/// One run as a transcript: stdout, then stderr and the exit code when there are any.
fn transcript(cwd: &Path, args: &[&str]) -> String {
    let run = stackreg_env(cwd, args, WIDE);
    let mut out = run.stdout.clone();
    if !run.stderr.is_empty() {
        out.push_str("--- stderr\n");
        out.push_str(&run.stderr);
    }
    if run.code != 0 {
        let _ = writeln!(out, "--- exit {}", run.code);
    }
    out
}

/// A run at the project root, where the sample registry is found.
fn sample(args: &[&str]) -> String {
    transcript(&project_root(), args)
}

#[test]
fn list() {
    assert_data_eq!(
        sample(&["list"]),
        str![[r#"
COMPONENT                 LATEST  LIFECYCLE   KIND              LICENCE            CAPABILITIES
bops                      2.1.0   live        saas              MIT                planning-back-office
bramblewick-bookings      3.0.0   live        saas              Proprietary        booking
bramblewick-income        7.1.0   live        saas              Proprietary        income-management
civic-harbour-cms         2.0.0   live        saas              Proprietary        council-website
civic-harbour-crm         2.1.0   live        saas              Proprietary        crm
civic-harbour-forms       1.3.0   live        saas              Proprietary        forms
cobnut-assets             1.0.0   beta        self-hosted       GPL-3.0-or-later   street-asset-management
dovecote-messaging        3.1.0   live        saas              Proprietary        notifications
drupal                    11.0.0  live        self-hosted       GPL-2.0-or-later   cms-framework
fixmystreet               6.0.0   live        self-hosted       AGPL-3.0-or-later  street-reporting
fixmystreet-pro           1.0.0   live        saas              AGPL-3.0-or-later  street-reporting
gannet-street-reports     2.2.0   live        saas              Proprietary        street-reporting
gannet-waste              2.0.0   live        saas              Proprietary        waste-collection
govuk-notify              2.1.0   live        platform-service  MIT                notifications
govuk-one-login           1.1.0   live        platform-service  Unverified         identity
govuk-pay                 1.1.0   live        platform-service  MIT                payments
hollyblue-casework        4.2.0   live        saas              Proprietary        case-management
hollyblue-crm             6.0.0   live        saas              Proprietary        crm
inkcap-cms                2.0.0   beta        self-hosted       MIT                council-website
inkwell-archive           1.0.0   beta        self-hosted       Apache-2.0         document-management
kestrel-highways          3.0.0   live        saas              Proprietary        street-asset-management
kestrel-id                3.1.1   live        saas              Proprietary        identity
kestrel-planning          6.0.0   live        saas              Proprietary        planning-back-office
keycloak                  26.2.0  live        self-hosted       Apache-2.0         identity
lanternfish-resident-app  1.4.0   live        saas              Proprietary        resident-app
lanternfish-sites         4.1.0   live        saas              Proprietary        council-website
ledgerline                1.0.0   beta        self-hosted       AGPL-3.0-or-later  income-management
lgsl-mirror               1.1.0   live        library           MIT                service-taxonomy
localgov-drupal           3.0.0   live        self-hosted       GPL-2.0-or-later   council-website
localgov-ims              2.0.0   beta        self-hosted       AGPL-3.0-only      income-management
localgov-openreferral     1.0.0   live        library           GPL-2.0-or-later   service-directory
marram-case               8.4.0   deprecated  self-hosted       Proprietary        case-management
marram-cash-receipting    4.2.0   deprecated  self-hosted       Proprietary        income-management
marram-portal             5.2.0   retired     self-hosted       Proprietary        council-website
oxbow-highways            9.3.0   live        saas              Proprietary        street-asset-management
oxbow-waste               4.1.0   live        saas              Proprietary        waste-collection
planx                     2.1.0   live        saas              MPL-2.0            planning-applications
postgresql                17.0.0  live        self-hosted       PostgreSQL         database
puddingstone-postgres     2.0.0   live        saas              Proprietary        database
puffinledger-pay          3.2.0   live        saas              Proprietary        card-gateway
quillwort-forms           2.1.1   live        saas              Proprietary        forms
quillwort-records         1.4.0   live        saas              Proprietary        document-management
saltmarsh-gazetteer       2.3.0   live        saas              Proprietary        address-gazetteer, address-lookup
saltmarsh-messaging       1.5.0   live        saas              Proprietary        notifications
saltmarsh-payments        2.0.0   live        saas              Proprietary        card-gateway
sedgebank-case            2.1.0   beta        self-hosted       AGPL-3.0-or-later  case-management
sieve-search              2.0.0   live        self-hosted       Apache-2.0         site-search
signpost-hub              2.0.0   beta        self-hosted       MIT                service-directory
stitchwort-forms          2.1.0   beta        self-hosted       MPL-2.0            forms
tern-bookings             1.2.0   live        saas              Proprietary        booking
uprn-index                2.0.0   beta        self-hosted       MIT                address-lookup
wrenfield-directory       3.1.0   live        saas              Proprietary        service-directory
wrenfield-sign-in         4.6.0   deprecated  self-hosted       Proprietary        identity

"#]]
    );
}

#[test]
fn list_filtered() {
    assert_data_eq!(
        sample(&["list", "--capability", "identity", "--open-source"]),
        str![[r#"
COMPONENT  LATEST  LIFECYCLE  KIND         LICENCE     CAPABILITIES
keycloak   26.2.0  live       self-hosted  Apache-2.0  identity

"#]]
    );
}

#[test]
fn interfaces() {
    assert_data_eq!(
        sample(&["interfaces"]),
        str![[r#"
INTERFACE             NAME                                  VERSIONS                                                        PROVIDERS                                                        USED BY
address-gazetteer     Address gazetteer extract             1.0.0                                                           saltmarsh-gazetteer                                              1
booking-api           Booking API                           1.0.0                                                           bramblewick-bookings, tern-bookings                              0
card-payment-gateway  Card payment gateway                  1.0.0                                                           puffinledger-pay, saltmarsh-payments                             2
case-management-api   Case management API                   1.0.0, 2.0.0                                                    hollyblue-casework, marram-case, sedgebank-case                  1
content-delivery-api  Council content delivery API          1.0.0, 2.0.0, 3.0.0                                             civic-harbour-cms, inkcap-cms, lanternfish-sites, marram-portal  1
crm-contact-api       CRM contact API                       1.0.0                                                           civic-harbour-crm, hollyblue-crm                                 0
document-store-api    Document store API                    1.0.0                                                           inkwell-archive, quillwort-records                               1
form-submission       Form submission delivery              1.0.0, 2.0.0                                                    civic-harbour-forms, quillwort-forms, stitchwort-forms           3
govuk-notify-api      GOV.UK Notify API                     2.0.0                                                           govuk-notify                                                     3
govuk-pay-api         GOV.UK Pay API                        1.0.0                                                           govuk-pay                                                        4
income-posting        Income posting                        1.0.0, 2.0.0                                                    bramblewick-income, ledgerline, localgov-ims,                    2
                                                                                                                            marram-cash-receipting
lgsl-service-list     Local Government Service List         3.14.0                                                          lgsl-mirror                                                      2
notification-send     Notification send                     1.0.0                                                           dovecote-messaging, saltmarsh-messaging                          2
odp-schemas           Digital Planning Data schemas         0.1.0, 0.1.1, 0.1.2, 0.2.0, 0.2.1, 0.2.2, 0.2.3, 0.3.0, 0.4.0,  planx                                                            2
                                                            0.4.1, 0.5.0, 0.6.0, 0.7.0, 0.7.1, 0.7.2, 0.7.3, 0.7.4, 0.7.5,
                                                            0.7.6, 0.7.7
open311-georeport     Open311 GeoReport v2                  2.0.0                                                           cobnut-assets, kestrel-highways, oxbow-highways                  3
openid-connect        OpenID Connect Core                   1.0.0                                                           govuk-one-login, kestrel-id, keycloak                            8
openreferral-uk       Open Referral UK                      1.0.0, 3.0.0                                                    localgov-openreferral, signpost-hub, wrenfield-directory         0
postgresql-wire       PostgreSQL frontend/backend protocol  3.0.0                                                           postgresql, puddingstone-postgres                                10
saml                  SAML                                  2.0.0                                                           kestrel-id, keycloak, wrenfield-sign-in                          2
uprn-address-lookup   UPRN address lookup                   1.0.0, 2.0.0                                                    saltmarsh-gazetteer, uprn-index                                  4
waste-collection-api  Waste collection API                  1.0.0                                                           gannet-waste, oxbow-waste                                        1

"#]]
    );
}

#[test]
fn show_component() {
    assert_data_eq!(
        sample(&["show", "fixmystreet"]),
        str![[r#"
fixmystreet — FixMyStreet Platform
Open-source street fault reporting that sends reports to the responsible council

  supplier      mySociety
  licence       AGPL-3.0-or-later (open source)
  kind          self-hosted
  lifecycle     live
  capabilities  street-reporting
  homepage      https://fixmystreet.org
  repository    https://github.com/mysociety/fixmystreet

VERSION  RELEASED    SUPPORT ENDS  PROVIDES  REQUIRES                                  DEPENDS  NOTE
6.0.0    2024-11-14  -             -         open311-georeport ^2, postgresql-wire ^3  -
5.0.0    2023-05-10  -             -         open311-georeport ^2, postgresql-wire ^3  -
4.0.0    2021-12-03  -             -         open311-georeport ^2, postgresql-wire ^3  -
3.1.0    2020-11-16  -             -         open311-georeport ^2, postgresql-wire ^3  -

who provides what 6.0.0 requires:
INTERFACE          RANGE  PROVIDERS
open311-georeport  ^2     cobnut-assets 0.9.0/1.0.0, kestrel-highways 2.0.0/3.0.0, oxbow-highways 8.0.0/9.0.0/9.3.0
postgresql-wire    ^3     postgresql 13.0.0/14.0.0/15.0.0/16.0.0/17.0.0, puddingstone-postgres 1.0.0/2.0.0

"#]]
    );
}

#[test]
fn show_release() {
    assert_data_eq!(
        sample(&["show", "localgov-drupal@3.0.0"]),
        str![[r#"
localgov-drupal — LocalGov Drupal
Drupal distribution built by councils for council websites

  supplier      LocalGov Drupal
  licence       GPL-2.0-or-later (open source)
  kind          self-hosted
  lifecycle     live
  capabilities  council-website
  homepage      https://localgovdrupal.org
  repository    https://github.com/localgovdrupal/localgov

VERSION  RELEASED    SUPPORT ENDS  PROVIDES  REQUIRES  DEPENDS       NOTE
3.0.0    2023-11-09  2026-12-01    -         -         drupal ^10.0

"#]]
    );
}

#[test]
fn show_interface() {
    assert_data_eq!(
        sample(&["show", "--interface", "openid-connect"]),
        str![[r#"
openid-connect — OpenID Connect Core
Identity layer over OAuth 2.0 for signing residents and staff in

  owner          OpenID Foundation
  specification  https://openid.net/specs/openid-connect-core-1_0.html

VERSION  PROVIDED BY                                                                                     USED BY
1.0.0    govuk-one-login 1.0.0, 1.1.0; kestrel-id 2.0.0, 3.0.0, 3.1.0 (yanked), 3.1.1; keycloak 21.0.0,  civic-harbour-crm 2.0.0, 2.1.0 (^1); civic-harbour-forms 1.0.0, 1.3.0 (^1); kestrel-planning
         24.0.0, 26.0.0, 26.2.0                                                                          6.0.0 (^1); lanternfish-resident-app 1.0.0, 1.4.0 (^1); lanternfish-sites 4.0.0, 4.0.1, 4.1.0
                                                                                                         (^1); quillwort-forms 2.0.0, 2.1.0, 2.1.1 (^1); sedgebank-case 1.0.0, 2.0.0, 2.1.0 (^1);
                                                                                                         stitchwort-forms 2.0.0, 2.1.0 (^1)

"#]]
    );
}

#[test]
fn resolve_reference_stack() {
    assert_data_eq!(
        sample(&["resolve", "registry/stacks/unitary-council.toml"]),
        str![[r#"
Plan for Reference unitary council: 20 components (registry: registry)

NEED                             COMPONENT                 VERSION  CHANGE  REQUIRED BY
income                           bramblewick-income        7.1.0    new
notifications                    dovecote-messaging        3.1.0    new
street-reports                   fixmystreet               5.0.0    kept
payments                         govuk-pay                 1.1.0    new
casework                         hollyblue-casework        4.2.0    new     hollyblue-crm
contact-centre                   hollyblue-crm             6.0.0    new
resident-sign-in, staff-sign-in  kestrel-id                3.1.1    kept    hollyblue-casework, hollyblue-crm, lanternfish-resident-app, quillwort-forms
resident-app                     lanternfish-resident-app  1.4.0    new
website                          lanternfish-sites         3.4.0    kept    lanternfish-resident-app, sieve-search
                                 lgsl-mirror               1.1.0    new     hollyblue-crm
highways                         oxbow-highways            9.3.0    new     fixmystreet
waste-collection                 oxbow-waste               4.1.0    new     lanternfish-resident-app
                                 postgresql                17.0.0   new     fixmystreet
                                 puffinledger-pay          3.2.0    new     bramblewick-income, tern-bookings
                                 quillwort-forms           2.1.1    new     hollyblue-casework
                                 quillwort-records         1.4.0    new     hollyblue-casework
address-lookup, gazetteer        saltmarsh-gazetteer       2.3.0    new     oxbow-highways, oxbow-waste, quillwort-forms
site-search                      sieve-search              1.3.0    kept
bookings                         tern-bookings             1.2.0    new
families-directory               wrenfield-directory       3.1.0    new

warnings:
  lanternfish-sites 3.4.0: support ends on 2027-03-31, within six months
  sieve-search 1.3.0: support ends on 2027-05-01, within six months

"#]]
    );
}

#[test]
fn resolve_keeps_current_versions() {
    assert_data_eq!(
        sample(&["resolve", "examples/stacks/example-district.toml"]),
        str![[r#"
Plan for Example District Council: 13 components (registry: registry)

NEED              COMPONENT            VERSION  CHANGE  REQUIRED BY
planning          bops                 2.1.0    new
                  cobnut-assets        1.0.0    new     fixmystreet
                  drupal               10.0.0   kept    localgov-drupal
street-reports    fixmystreet          5.0.0    kept
waste-collection  gannet-waste         2.0.0    new
                  govuk-notify         2.1.0    new     bops, planx
                  govuk-pay            1.1.0    new     localgov-ims, planx
resident-sign-in  keycloak             26.0.0   kept
website           localgov-drupal      3.0.0    kept
income            localgov-ims         2.0.0    new     gannet-waste
                  planx                2.1.0    new     bops
                  postgresql           15.0.0   kept    cobnut-assets, fixmystreet, keycloak
                  saltmarsh-gazetteer  2.3.0    new     gannet-waste

warnings:
  drupal 10.0.0: support ends on 2026-12-01, within six months
  localgov-drupal 3.0.0: support ends on 2026-12-01, within six months

"#]]
    );
}

#[test]
fn resolve_without_a_plan() {
    assert_data_eq!(
        sample(&["resolve", "examples/stacks/no-plan.toml"]),
        str![[r#"
No plan for Example open-source council with a contact centre (registry: registry)

no plan exists: need `contact-centre` cannot be met
└─ need `contact-centre` (interface crm-contact-api ^1) cannot be met:
   ├─ civic-harbour-crm 2.0.0, 2.1.0 is excluded: its licence `LicenseRef-Proprietary` is not open source (policy open-source)
   └─ hollyblue-crm 5.0.0, 6.0.0 is excluded: its licence `LicenseRef-Proprietary` is not open source (policy open-source)
--- exit 1

"#]]
    );
}

#[test]
fn resolve_locked() {
    assert_data_eq!(
        sample(&[
            "resolve",
            "examples/stacks/example-unitary.toml",
            "--locked"
        ]),
        str![[r#"
Plan for Example Unitary Council: 19 components (registry: registry)

NEED                COMPONENT                 VERSION  CHANGE  REQUIRED BY
income              bramblewick-income        7.1.0    kept
notifications       dovecote-messaging        3.1.0    new
street-reports      fixmystreet               5.0.0    kept
payments            govuk-pay                 1.1.0    new
casework            hollyblue-casework        4.2.0    new     hollyblue-crm
contact-centre      hollyblue-crm             6.0.0    kept
                    kestrel-highways          3.0.0    new     fixmystreet
resident-sign-in    kestrel-id                3.1.1    kept    hollyblue-casework, hollyblue-crm, lanternfish-resident-app, quillwort-forms
resident-app        lanternfish-resident-app  1.4.0    new
website             lanternfish-sites         3.4.0    kept    lanternfish-resident-app, sieve-search
                    lgsl-mirror               1.1.0    new     hollyblue-crm
waste-collection    oxbow-waste               4.1.0    new     lanternfish-resident-app
                    postgresql                17.0.0   new     fixmystreet
                    puffinledger-pay          3.2.0    new     bramblewick-income
                    quillwort-forms           2.1.1    new     hollyblue-casework
                    quillwort-records         1.4.0    new     hollyblue-casework
gazetteer           saltmarsh-gazetteer       2.3.0    new     oxbow-waste, quillwort-forms
site-search         sieve-search              1.3.0    kept
families-directory  wrenfield-directory       3.1.0    new

warnings:
  lanternfish-sites 3.4.0: support ends on 2027-03-31, within six months
  sieve-search 1.3.0: support ends on 2027-05-01, within six months

"#]]
    );
}

#[test]
fn resolve_what_if() {
    assert_data_eq!(
        sample(&[
            "resolve",
            "examples/stacks/example-district.toml",
            "--upgrade",
            "drupal",
            "--with",
            "signpost-hub",
            "--without",
            "gannet-waste",
        ]),
        str![[r#"
What if: upgrade drupal; with signpost-hub; without gannet-waste (changes against [current])
Plan for Example District Council: 14 components, 10 changes (registry: registry)

NEED              COMPONENT            VERSION  CHANGE           REQUIRED BY
planning          bops                 2.1.0    added
                  cobnut-assets        1.0.0    added            fixmystreet
                  drupal               10.3.0   10.0.0 → 10.3.0  localgov-drupal
street-reports    fixmystreet          5.0.0    kept
                  govuk-notify         2.1.0    added            bops, planx
                  govuk-pay            1.1.0    added            localgov-ims, planx
resident-sign-in  keycloak             26.0.0   kept
website           localgov-drupal      3.0.0    kept
income            localgov-ims         2.0.0    added
waste-collection  oxbow-waste          4.1.0    added
                  planx                2.1.0    added            bops
                  postgresql           15.0.0   kept             cobnut-assets, fixmystreet, keycloak, signpost-hub
                  saltmarsh-gazetteer  2.3.0    added            oxbow-waste
                  signpost-hub         2.0.0    added

upgrades:
  drupal 10.0.0 → 10.3.0 (newest 11.0.0 does not fit: localgov-drupal 3.0.0 depends on drupal ^10.0)

warnings:
  drupal 10.3.0: support ends on 2026-12-01, within six months
  localgov-drupal 3.0.0: support ends on 2026-12-01, within six months

"#]]
    );
}

#[test]
fn why() {
    assert_data_eq!(
        sample(&["why", "registry/stacks/unitary-council.toml", "postgresql"]),
        str![[r#"
postgresql 17.0.0 is in the plan because:
  need street-reports → fixmystreet 5.0.0 → (requires postgresql-wire ^3) postgresql 17.0.0

"#]]
    );
}

#[test]
fn graph() {
    assert_data_eq!(
        sample(&["graph", "registry/stacks/county-council.toml"]),
        str![[r#"
need casework → hollyblue-casework@4.2.0
  ├─ civic-harbour-forms@1.3.0 (requires form-submission ^2)
  │  └─ kestrel-id@3.1.1 (requires openid-connect ^1)
  ├─ kestrel-id@3.1.1 (requires saml ^2) …
  └─ quillwort-records@1.4.0 (requires document-store-api ^1)
need highways → oxbow-highways@9.3.0
  └─ saltmarsh-gazetteer@2.3.0 (requires uprn-address-lookup ^2)
need income → bramblewick-income@7.1.0
  └─ saltmarsh-payments@2.0.0 (requires card-payment-gateway ^1)
need notifications → govuk-notify@2.1.0
need payments → govuk-pay@1.1.0
need registrar-bookings → tern-bookings@1.2.0
  └─ saltmarsh-payments@2.0.0 (requires card-payment-gateway ^1) …
need resident-sign-in → kestrel-id@3.1.1
need staff-sign-in → kestrel-id@3.1.1
need street-reports → fixmystreet-pro@1.0.0
  └─ oxbow-highways@9.3.0 (requires open311-georeport ^2) …
need website → civic-harbour-cms@2.0.0

"#]]
    );
}

#[test]
fn outdated() {
    assert_data_eq!(
        sample(&["outdated", "examples/stacks/example-unitary.toml"]),
        str![[r#"
COMPONENT          IN PLAN  SUPPORT                 NEWER RELEASES
fixmystreet        5.0.0    -                       6.0.0 fits
lanternfish-sites  3.4.0    ends 2027-03-31 (soon)  4.0.1 not possible, 4.1.0 not possible
sieve-search       1.3.0    ends 2027-05-01 (soon)  2.0.0 not possible

lanternfish-sites 4.0.1: lanternfish-resident-app 1.4.0 depends on lanternfish-sites ^3; sieve-search 1.3.0 requires content-delivery-api ^2, which lanternfish-sites 4.0.1 does not provide
lanternfish-sites 4.1.0: lanternfish-resident-app 1.4.0 depends on lanternfish-sites ^3; sieve-search 1.3.0 requires content-delivery-api ^2, which lanternfish-sites 4.1.0 does not provide
sieve-search 2.0.0:  with sieve-search =2.0.0: need `site-search` cannot be met: sieve-search 2.0.0, but sieve-search 1.0.0, 1.3.0 is wanted elsewhere (a plan holds one release per component)

"#]]
    );
}

#[test]
fn alternatives_to_one_component() {
    assert_data_eq!(
        sample(&[
            "alternatives",
            "registry/stacks/unitary-council.toml",
            "hollyblue-crm",
            "--ignore-policy",
        ]),
        str![[r#"
Alternatives to hollyblue-crm 6.0.0 in Reference unitary council

Drop-in:
  civic-harbour-crm 2.1.0
      differences: supplier Civic Harbour Ltd; −g-cloud-14

"#]]
    );
}

#[test]
fn alternatives_lock_in_report() {
    assert_data_eq!(
        sample(&[
            "alternatives",
            "examples/stacks/example-district.toml",
            "--all"
        ]),
        str![[r#"
Lock-in report for Example District Council: 5 of 13 components have no viable alternative: drupal, govuk-notify, govuk-pay, planx, saltmarsh-gazetteer

COMPONENT            VERSION  DROP-IN  WITH CHANGES  NOT VIABLE  BEST ALTERNATIVE
bops                 2.1.0    0        1             0           kestrel-planning (with-changes)
cobnut-assets        1.0.0    2        0             0           kestrel-highways (drop-in)
drupal               10.0.0   0        0             0           LOCK-IN
fixmystreet          5.0.0    2        0             0           fixmystreet-pro (drop-in)
gannet-waste         2.0.0    1        0             0           oxbow-waste (drop-in)
govuk-notify         2.1.0    0        0             2           LOCK-IN
govuk-pay            1.1.0    0        0             0           LOCK-IN
keycloak             26.0.0   1        0             0           kestrel-id (drop-in)
localgov-drupal      3.0.0    0        3             0           civic-harbour-cms (with-changes)
localgov-ims         2.0.0    1        1             0           ledgerline (drop-in)
planx                2.1.0    0        0             0           LOCK-IN
postgresql           15.0.0   1        0             0           puddingstone-postgres (drop-in)
saltmarsh-gazetteer  2.3.0    0        0             1           LOCK-IN

single points of supply (interfaces the plan uses that one component provides):
INTERFACE         PROVIDER      USED BY
govuk-notify-api  govuk-notify  bops@2.1.0 ^2, planx@2.1.0 ^2
govuk-pay-api     govuk-pay     localgov-ims@2.0.0 ^1, planx@2.1.0 ^1
odp-schemas       planx         bops@2.1.0 ^0.7.1

"#]]
    );
}

#[test]
fn renewals() {
    assert_data_eq!(
        sample(&[
            "renewals",
            "examples/stacks/example-unitary.toml",
            "--within",
            "12",
        ]),
        str![[r#"
Renewals for Example Unitary Council within 12 months (2026-11-26 to 2027-11-26): 6 ends, 2 decision dates passed

COMPONENT           VERSION  ENDS                 DECIDE BY            ALTERNATIVES
lanternfish-sites   3.4.0    contract 2027-03-31  2026-09-30 (passed)  none
lanternfish-sites   3.4.0    support 2027-03-31   2026-09-30 (passed)  none
kestrel-id          3.1.1    contract 2027-06-30  2027-03-30           1 drop-in: keycloak (open source)
bramblewick-income  7.1.0    contract 2027-09-30  2027-03-30           2 with changes: ledgerline (open source)
sieve-search        1.3.0    support 2027-05-01   2027-05-01           none
kestrel-id          3.1.1    support 2027-10-31   2027-07-31           1 drop-in: keycloak (open source)

"#]]
    );
}

#[test]
fn compare() {
    assert_data_eq!(
        sample(&["compare", "keycloak", "kestrel-id", "govuk-one-login"]),
        str![[r#"
                        KEYCLOAK                                                          KESTREL-ID                                                    GOVUK-ONE-LOGIN
* name                  Keycloak                                                          Kestrel ID                                                    GOV.UK One Login
* supplier              Keycloak community                                                Kestrel Public Software Ltd                                   Government Digital Service
* licence               Apache-2.0                                                        LicenseRef-Proprietary                                        LicenseRef-Unverified
* open source           yes                                                               no                                                            no
* kind                  self-hosted                                                       saas                                                          platform-service
  lifecycle             live                                                              live                                                          live
* assurances            -                                                                 cyber-essentials-plus, dpia-template, g-cloud-14, iso-27001,  -
                                                                                          uk-data-residency
  capabilities          identity                                                          identity                                                      identity
* newest release        26.2.0                                                            3.1.1                                                         1.1.0
* released              2025-04-11                                                        2024-11-18                                                    2025-03-03
* support ends          -                                                                 2027-10-31                                                    -
* provides              openid-connect 1.0.0, saml 2.0.0                                  openid-connect 1.0.0, saml 2.0.0                              openid-connect 1.0.0
* requires              postgresql-wire ^3                                                -                                                             -
  depends               -                                                                 -                                                             -
* provided, by release  openid-connect 1.0.0 (21.0.0–26.2.0), saml 2.0.0 (21.0.0–26.2.0)  openid-connect 1.0.0 (2.0.0–3.1.1), saml 2.0.0 (3.0.0–3.1.1)  openid-connect 1.0.0 (1.0.0–1.1.0)

* differs (12 of 15 facts)

"#]]
    );
}

#[test]
fn used_by() {
    assert_data_eq!(
        sample(&["used-by", "postgresql@>=16"]),
        str![[r#"
postgresql >=16 is in 3 stacks

STACK FILE                       VERSION  IN    THROUGH
stacks/district-council.toml     17.0.0   plan  need resident-sign-in → keycloak 26.2.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need street-reports → fixmystreet 6.0.0 → (requires
                                                open311-georeport ^2) cobnut-assets 1.0.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need street-reports → fixmystreet 6.0.0 → (requires
                                                postgresql-wire ^3) postgresql 17.0.0
stacks/open-source-council.toml  17.0.0   plan  need casework → sedgebank-case 2.1.0 → (requires openid-connect ^1) keycloak 26.2.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need casework →
                                                sedgebank-case 2.1.0 → (depends >=15) postgresql 17.0.0; need casework → sedgebank-case 2.1.0 → (requires form-submission ^2) stitchwort-forms 2.1.0 →
                                                (requires openid-connect ^1) keycloak 26.2.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need casework → sedgebank-case 2.1.0 → (requires
                                                form-submission ^2) stitchwort-forms 2.1.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need documents → inkwell-archive 1.0.0 → (requires
                                                postgresql-wire ^3) postgresql 17.0.0; need sign-in → keycloak 26.2.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need street-reports →
                                                fixmystreet 6.0.0 → (requires open311-georeport ^2) cobnut-assets 1.0.0 → (requires postgresql-wire ^3) postgresql 17.0.0; need street-reports →
                                                fixmystreet 6.0.0 → (requires postgresql-wire ^3) postgresql 17.0.0
stacks/unitary-council.toml      17.0.0   plan  need street-reports → fixmystreet 5.0.0 → (requires postgresql-wire ^3) postgresql 17.0.0

"#]]
    );
}

#[test]
fn merge() {
    assert_data_eq!(
        sample(&[
            "merge",
            "registry/stacks/district-council.toml",
            "registry/stacks/county-council.toml",
        ]),
        str![[r#"
Merged stack Reference district council and Reference county council from registry/stacks/district-council.toml (a) and registry/stacks/county-council.toml (b): 15 needs, 4 of them shared

Overlaps (a shared need met by different components):
NEED                 A RUNS                 B RUNS                    KEEP A'S    KEEP B'S
income               localgov-ims 2.0.0     bramblewick-income 7.1.0  not-viable  1 change
resident-sign-in     keycloak 26.2.0        kestrel-id 3.1.1          not-viable  drop-in
street-reports       fixmystreet 6.0.0      fixmystreet-pro 1.0.0     not-viable  drop-in
website + website-2  localgov-drupal 3.0.0  civic-harbour-cms 2.0.0   not-viable  1 change
  keep a's localgov-ims for income: not-viable: the policy of registry/stacks/county-council.toml excludes it: its lifecycle `beta` is not in policy lifecycle
  keep b's bramblewick-income for income: with-changes (+puffinledger-pay 3.2.0)
  keep a's keycloak for resident-sign-in: not-viable: the policy of registry/stacks/county-council.toml excludes it: its kind `self-hosted` is not in policy kinds
  keep a's fixmystreet for street-reports: not-viable: the policy of registry/stacks/county-council.toml excludes it: its kind `self-hosted` is not in policy kinds
  keep a's localgov-drupal for website + website-2: not-viable: the policy of registry/stacks/county-council.toml excludes it: its kind `self-hosted` is not in policy kinds
  keep b's civic-harbour-cms for website + website-2: with-changes (−drupal 10.3.0)

Merged plan: 16 components
COMPONENT            VERSION  FOR A           FOR B
bops                 2.1.0    kept            new
bramblewick-income   7.1.0    new             kept
civic-harbour-cms    2.0.0    new             kept
civic-harbour-forms  1.3.0    new             kept
fixmystreet-pro      1.0.0    new             kept
gannet-waste         2.0.0    kept            new
govuk-notify         2.1.0    kept            kept
govuk-pay            1.1.0    kept            kept
hollyblue-casework   4.2.0    new             kept
kestrel-id           3.1.1    new             kept
oxbow-highways       9.3.0    new             kept
planx                2.1.0    kept            new
quillwort-records    1.4.0    new             kept
saltmarsh-gazetteer  2.3.0    kept            kept
saltmarsh-payments   2.0.0    new             kept
tern-bookings        1.2.0    new             kept
cobnut-assets        -        1.0.0 removed   -
drupal               -        10.3.0 removed  -
fixmystreet          -        6.0.0 removed   -
keycloak             -        26.2.0 removed  -
localgov-drupal      -        3.0.0 removed   -
localgov-ims         -        2.0.0 removed   -
postgresql           -        17.0.0 removed  -

"#]]
    );
}

#[test]
fn stack_new() {
    let dir = tempfile::tempdir().unwrap();
    let registry = sample_registry();
    assert_data_eq!(
        transcript(
            dir.path(),
            &[
                "--registry",
                registry.to_str().unwrap(),
                "stack",
                "new",
                "ours.toml",
                "--name",
                "Our council",
                "--current",
                "lanternfish-sites@3.4.0",
                "--current",
                "civic-harbour-cms@2.0.0",
                "--current",
                "govuk-pay@1.1.0",
            ],
        ),
        str![[r#"
Wrote ours.toml (Our council): 3 needs; it resolves, keeping all 3 current versions

NEED               MEETS                        WHY
civic-harbour-cms  component civic-harbour-cms  council-website shared by several current components
lanternfish-sites  component lanternfish-sites  council-website shared by several current components
payments           capability payments          served today by govuk-pay

"#]]
    );
}

#[test]
fn validate_registry() {
    assert_data_eq!(
        sample(&["validate"]),
        str![[r#"
valid: checked 79 files, 0 errors, 0 warnings

"#]]
    );
}

#[test]
fn validate_a_broken_file() {
    assert_data_eq!(
        sample(&["validate", "examples/broken/fixmystreet.toml"]),
        str![[r#"
error[insecure-url]: `http://fixmystreet.org` is not an https URL
  --> examples/broken/fixmystreet.toml:13:12
   |
13 | homepage = "http://fixmystreet.org"
   |            ^^^^^^^^^^^^^^^^^^^^^^^^
   |
help: use https://fixmystreet.org

error[invalid-version]: `6.0` is not a semantic version: unexpected end of input while parsing minor version number
  --> examples/broken/fixmystreet.toml:32:11
   |
32 | version = "6.0"
   |           ^^^^^
   |
help: write it in full: "6.0.0"

invalid: checked 1 file, 2 errors, 0 warnings
--- exit 1

"#]]
    );
}

#[test]
fn import_publiccode() {
    assert_data_eq!(
        sample(&[
            "import",
            "publiccode",
            "tests/fixtures/publiccode/terminvergabe.yml",
            "--capability",
            "booking",
        ]),
        str![[r##"
#:schema ../../schemas/component.schema.json
# Drafted by `stackreg import publiccode` from tests/fixtures/publiccode/terminvergabe.yml.
# Check it before publishing: see what the import reported as not mapped.
id = "aitema-termin"
name = "aitema|Termin"
summary = "Open-source appointment booking and queue management system for German public authorities and citizen service centers."
supplier = "aitema GmbH"
licence = "AGPL-3.0-only"
kind = "self-hosted"
capabilities = ["appointment-scheduling", "government", "it-service-management", "booking"]
lifecycle = "live"
assurances = []
homepage = "https://github.com/Aitema-gmbh/terminvergabe"
repository = "https://github.com/Aitema-gmbh/terminvergabe"

[[release]]
version = "1.0.0"
released = 2025-01-01
depends = { postgresql = ">=14" }
--- stderr
aitema-termin (from tests/fixtures/publiccode/terminvergabe.yml):
  repaired: homepage: no https landingURL, so the repository URL
  not mapped: dependsOn.open[0]: SvelteKit versionMin 2 (no registry component by that name or id)
  not mapped: dependsOn.open[2]: Docker (no registry component by that name or id)
  not mapped: description.de: {features, genericName, localisedName, longDescription, shortDescription}
  not mapped: description.en.features: [Online appointment booking, Real-time queue management, Kiosk display system, …
  not mapped: description.en.genericName: Appointment Management System
  not mapped: description.en.localisedName: aitema|Termin – Citizen Appointment System
  not mapped: description.en.longDescription: aitema|Termin streamlines citizen appointments from online booking to counter s…
  not mapped: legal.mainCopyrightOwner: aitema GmbH
  not mapped: localisation: {availableLanguages, localisationReady}
  not mapped: maintenance: {contacts, type}
  not mapped: platforms: [web]

"##]]
    );
}

#[test]
fn export_publiccode() {
    assert_data_eq!(
        sample(&[
            "export",
            "publiccode",
            "keycloak",
            "--contact",
            "Jane Example <jane@example.org>",
        ]),
        str![[r##"
# publiccode.yml for `keycloak`, written by stackreg from the registry entry.
# Check the fields stackreg composed (see its notes) before publishing.
publiccodeYmlVersion: "0.4"
name: Keycloak
url: https://github.com/keycloak/keycloak
landingURL: https://www.keycloak.org
softwareVersion: 26.2.0
releaseDate: 2025-04-11
platforms:
- web
categories:
- identity-management
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: Open-source identity and access management
    longDescription: "Keycloak: Open-source identity and access management. Keycloak is supplied by Keycloak community under the Apache-2.0 licence, and is a self-hosted component serving identity. Its latest release is 26.2.0, of 2025-04-11."
    features:
    - Serves the identity capability
    - Implements OpenID Connect Core 1.0.0
    - Implements SAML 2.0.0
legal:
  license: Apache-2.0
  repoOwner: Keycloak community
maintenance:
  type: internal
  contacts:
  - name: Jane Example
    email: jane@example.org
localisation:
  localisationReady: false
  availableLanguages:
  - en
--- stderr
note: softwareType: self-hosted written as standalone/web
note: platforms: stackreg records none; written as web
note: localisation: stackreg records none; written as English, not localisation-ready
note: description: longDescription composed from the registry entry

"##]]
    );
}

#[test]
fn site() {
    let dir = tempfile::tempdir().unwrap();
    let registry = sample_registry();
    assert_data_eq!(
        transcript(
            dir.path(),
            &[
                "--registry",
                registry.to_str().unwrap(),
                "site",
                "--out",
                "public"
            ],
        ),
        str![[r#"
--- stderr
Wrote 106 pages to public; open public/index.html

"#]]
    );
}

/// The maintenance commands, in the order a maintainer runs them, on a new registry:
/// commit ids and dates are those of the run, so they are `[..]`.
#[test]
fn registry_maintenance() {
    const AUTHOR: &str = "Snap Shot <snap@example.org>";
    let dir = tempfile::tempdir().unwrap();
    let sample = sample_registry();
    let file = |rel: &str| sample.join(rel).to_str().unwrap().to_owned();
    let reg = dir.path().join("reg");
    let mut all = transcript(
        dir.path(),
        &[
            "registry",
            "init",
            "reg",
            "--name",
            "Snapshot registry",
            "--author",
            AUTHOR,
        ],
    );
    let steps: [&[&str]; 6] = [
        &[
            "registry",
            "publish",
            "--author",
            AUTHOR,
            &file("interfaces/openid-connect.toml"),
            &file("interfaces/saml.toml"),
            &file("interfaces/postgresql-wire.toml"),
            &file("components/postgresql.toml"),
        ],
        &[
            "registry",
            "publish",
            "--dry-run",
            "--author",
            AUTHOR,
            &file("components/keycloak.toml"),
        ],
        &[
            "registry",
            "publish",
            "--author",
            AUTHOR,
            &file("components/keycloak.toml"),
        ],
        &[
            "registry",
            "yank",
            "keycloak@26.0.0",
            "--reason",
            "Broken upgrade path",
            "--author",
            AUTHOR,
        ],
        &["registry", "log", "keycloak"],
        &["registry", "diff", "HEAD~2", "HEAD"],
    ];
    for args in steps {
        let _ = write!(
            all,
            "=== {}\n{}",
            args[..2].join(" "),
            transcript(&reg, args)
        );
    }
    assert_data_eq!(
        all,
        str![[r#"
Created registry reg on branch main ([..])
  registry.toml
  README.md
  .github/workflows/registry.yml
  interfaces/, components/ and stacks/ are ready for manifests
=== registry publish
Committed [..]: publish interface openid-connect 1.0.0 (and 3 more)
  - interface added: openid-connect 1.0.0
  - interface added: postgresql-wire 3.0.0
  - interface added: saml 2.0.0
  - component added: postgresql 13.0.0, 14.0.0, 15.0.0, 16.0.0, 17.0.0
wrote: interfaces/openid-connect.toml, interfaces/saml.toml, interfaces/postgresql-wire.toml, components/postgresql.toml
=== registry publish
Would commit (dry run: nothing was written)

    publish keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0

    - component added: keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0

would write: components/keycloak.toml
=== registry publish
Committed [..]: publish keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0
  - component added: keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0
wrote: components/keycloak.toml
=== registry yank
Committed [..]: yank keycloak 26.0.0
  - release yanked: keycloak 26.0.0 (reason: Broken upgrade path)
wrote: components/keycloak.toml
=== registry log
[..]  [..]  Snap Shot  yank keycloak 26.0.0
    release yanked  keycloak 26.0.0  reason: Broken upgrade path

[..]  [..]  Snap Shot  publish keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0
    component added  keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0
=== registry diff
Registry changes from HEAD~2 ([..]) to HEAD ([..])

CHANGE           ITEM                                     DETAILS
component added  keycloak 21.0.0, 24.0.0, 26.0.0, 26.2.0

1 change

"#]]
    );
}
