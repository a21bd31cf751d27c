package com.custarea.app.api;

import com.custarea.routes.support.Problem;
import com.custarea.routes.teams.TeamView;
import org.springframework.stereotype.Component;

/** /api/teams: teams of users, which workflows assign conversations to in turn. */
@Component
public class TeamRoutes extends DashboardApiRoutes {

    private final TeamApi api;

    public TeamRoutes(TeamApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/teams").tag("Teams").security(OpenApiRoutes.BEARER)
                .get().id("teams-list").produces("application/json").description("The tenant's teams")
                    .to(handler("teams-list"))
                .post().id("teams-create").consumes("application/json").produces("application/json")
                    .description("A team (admins); its members, in order, take the conversations a workflow assigns "
                            + "to the team in turn")
                    .type(RequestBodies.CreateTeam.class).outType(TeamView.class)
                    .responseMessage().code(409).message("A team of that name exists").responseModel(Problem.class)
                    .endResponseMessage()
                    .to(handler("teams-create"))
                .get("/{id}").id("teams-get").produces("application/json").description("One team")
                    .outType(TeamView.class).to(handler("teams-get"))
                .patch("/{id}").id("teams-update").consumes("application/json").produces("application/json")
                    .description("Rename the team or replace its members (admins)")
                    .type(RequestBodies.UpdateTeam.class).outType(TeamView.class).to(handler("teams-update"))
                .delete("/{id}").id("teams-delete").description("Delete a team (admins)")
                    .to(handler("teams-delete"));

        handle("teams-list", api::list);
        handle("teams-create", api::create);
        handle("teams-get", api::get);
        handle("teams-update", api::update);
        handle("teams-delete", api::delete);
    }
}
