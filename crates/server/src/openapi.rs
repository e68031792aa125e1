//! The OpenAPI 3 document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Huiji API (会籍)", description = "Central server of Huiji: accounts, organisation tree, sync, approvals."),
    paths(
        routes::auth::sms_send,
        routes::cards::get_card,
        routes::cards::put_card,
        routes::cards::share,
        routes::cards::revoke,
        routes::cards::public_json,
        routes::auth::sms_login,
        routes::auth::password_login,
        routes::auth::org_login,
        routes::auth::logout,
        routes::auth::logout_all,
        routes::auth::me,
        routes::auth::set_profile,
        routes::auth::set_password,
        routes::nodes::list_nodes,
        routes::nodes::list_members,
        routes::sync::push,
        routes::sync::pull,
        routes::health::my_pass,
        routes::health::set_status,
        routes::health::import_status,
        routes::checkpoint::create_site,
        routes::checkpoint::edit_site,
        routes::checkpoint::list_scanners,
        routes::checkpoint::add_scanner,
        routes::checkpoint::stats,
        routes::checkpoint::assisted,
        routes::checkpoint::list_keys,
        routes::checkpoint::rotate_key,
        routes::checkpoint::retire_key,
        routes::checkpoint::revoke_key,
        routes::events::my_ticket,
        routes::events::attendance,
        routes::events::venue_code,
        routes::workflow::submit,
        routes::workflow::actions,
        routes::workflow::list,
        routes::workflow::get_request,
        routes::workflow::upload,
        routes::workflow::download,
        routes::workflow::verify_code,
        routes::workflow::set_membership_status,
        routes::workflow::renew_membership,
        routes::workflow::save_service,
        routes::orgs::register,
        routes::orgs::status,
        routes::orgs::associations,
        routes::orgs::get_profile,
        routes::orgs::put_profile,
        routes::institution::list,
        routes::institution::login,
        routes::institution::bind,
        routes::institution::unbind,
        routes::institution::my_bindings,
        routes::dues::save_rule,
        routes::dues::generate,
        routes::dues::cancel_order,
        routes::dues::pay_online,
        routes::dues::pay_offline,
        routes::dues::actions,
        routes::dues::ledger_page,
        routes::dues::export,
        routes::dues::notify,
        routes::dues::get_payment,
        routes::dues::receipt,
        routes::dues::proof,
        routes::dues::upload_start,
        routes::dues::upload_chunk,
        routes::dues::upload_status,
        routes::activities::save_event,
        routes::activities::register,
        routes::activities::registrations_list,
        routes::activities::cancel,
        routes::activities::decide,
        routes::activities::venue_checkins,
        routes::activities::manual_checkin,
        routes::activities::report,
        routes::activities::report_export,
        routes::activities::venue_poster,
        routes::activities::save_survey,
        routes::activities::answers,
        routes::activities::results,
        routes::activities::survey_export,
        routes::activities::create_lottery,
        routes::activities::enter,
        routes::activities::lottery_code,
        routes::activities::lottery_poster,
        routes::activities::draw,
        routes::activities::entrants,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
