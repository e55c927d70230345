"""One package per area of the portal; each registers its blueprint here."""


def register_blueprints(app):
    from blueprints.account.routes import bp as account
    from blueprints.auth.routes import bp as auth
    from blueprints.contract_areas.routes import bp as contract_areas
    from blueprints.health.routes import bp as health
    from blueprints.home.routes import bp as home
    from blueprints.jobs.routes import bp as jobs
    from blueprints.lifecycle.routes import bp as lifecycle
    from blueprints.notifications.routes import bp as notifications
    from blueprints.org.routes import bp as org
    from blueprints.staff.invitation import bp as invitation
    from blueprints.staff.routes import bp as staff

    for blueprint in (auth, health, home):
        app.register_blueprint(blueprint)
    app.register_blueprint(jobs)
    app.register_blueprint(contract_areas)
    app.register_blueprint(account)
    app.register_blueprint(lifecycle)
    for blueprint in (notifications, invitation, staff):
        app.register_blueprint(blueprint)
    if app.config["TESTING"]:
        from blueprints.health.routes import test_only

        app.register_blueprint(test_only)
    from blueprints.consent import authority_bp, dpo_bp, notices_bp

    for blueprint in (dpo_bp, authority_bp, notices_bp):
        app.register_blueprint(blueprint)
    from blueprints.rights_requests.routes import bp as dpo_rights, intake as rights_intake

    for blueprint in (dpo_rights, rights_intake):
        app.register_blueprint(blueprint)
    from blueprints.access_erasure.routes import bp as rights

    app.register_blueprint(rights)
    from blueprints.ooh.oversight import dpo_bp as ooh_dpo
    from blueprints.ooh.routes import bp as ooh

    for blueprint in (ooh, ooh_dpo):
        app.register_blueprint(blueprint)
    from blueprints.retention.routes import bp as retention

    app.register_blueprint(retention)
    from blueprints.governance.routes import admin_bp as governance_admin, bp as breaches, dpo_bp as governance_dpo

    for blueprint in (breaches, governance_dpo, governance_admin):
        app.register_blueprint(blueprint)
    from blueprints.api.routes import bp as api
    from blueprints.api_clients.routes import bp as api_clients
    from blueprints.dwp.routes import bp as dwp
    from blueprints.lead.routes import bp as lead

    for blueprint in (lead, dwp, api, api_clients):
        app.register_blueprint(blueprint)
    # Organisation URLs (/<org>/...) last, so fixed first segments win.
    app.register_blueprint(org)
    from blueprints.caseload.routes import bp as caseload
    from blueprints.participants import bp as participants
    from blueprints.referrals.routes import bp as referrals

    for blueprint in (caseload, participants, referrals):
        app.register_blueprint(blueprint)
    from blueprints.consent import bp as consent

    app.register_blueprint(consent)
    from blueprints.ooh.oversight import org_bp as ooh_org

    app.register_blueprint(ooh_org)
