package com.custarea.app.api;


import com.custarea.app.contacts.ImportJob;
import com.custarea.routes.contacts.ContactView;
import com.custarea.routes.contacts.MergeResult;
import com.custarea.routes.support.Problem;
import com.custarea.schemas.ContactIdentifier;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/contacts: contacts, their identifiers and notes, merging, CSV import. */
@Component
public class ContactRoutes extends DashboardApiRoutes {

    private final ContactApi api;

    public ContactRoutes(ContactApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/contacts").tag("Contacts").security(OpenApiRoutes.BEARER)
                .get().id("contacts-list").produces("application/json")
                    .description("The tenant's contacts, newest first; q searches name, e-mail, phone and other ids")
                    .param().name("q").type(RestParamType.query).required(false).endParam()
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .outType(Pages.Contacts.class).to(handler("contacts-list"))
                .post().id("contacts-create").consumes("application/json").produces("application/json")
                    .description("Create a contact; an identifier another contact has is a 409")
                    .type(RequestBodies.CreateContact.class).outType(ContactView.class)
                    .responseMessage().code(409).message("An identifier belongs to another contact").responseModel(Problem.class).endResponseMessage()
                    .to(handler("contacts-create"))
                .get("/{id}").id("contacts-get").produces("application/json").description("One contact")
                    .outType(ContactView.class).to(handler("contacts-get"))
                .patch("/{id}").id("contacts-update").consumes("application/json").produces("application/json")
                    .description("Change name or attributes").type(RequestBodies.UpdateContact.class)
                    .outType(ContactView.class).to(handler("contacts-update"))
                .delete("/{id}").id("contacts-delete").description("Delete a contact and its conversations (admins)")
                    .responseMessage().code(204).message("Deleted").endResponseMessage()
                    .to(handler("contacts-delete"))
                .get("/{id}/identifiers").id("contacts-identifiers").produces("application/json")
                    .description("A contact's identifiers").outType(ContactIdentifier[].class)
                    .to(handler("contacts-identifiers"))
                .post("/{id}/identifiers").id("contacts-identifier-add").consumes("application/json")
                    .produces("application/json").description("Add an identifier (normalised)")
                    .type(RequestBodies.AddIdentifier.class).outType(ContactView.class)
                    .to(handler("contacts-identifier-add"))
                .post("/{id}/merge").id("contacts-merge").consumes("application/json").produces("application/json")
                    .description("Merge another contact into this one: identifiers, conversations, notes, tickets "
                            + "and leads move; refused when both have different identities of one kind unless force")
                    .type(RequestBodies.MergeContacts.class).outType(MergeResult.class)
                    .responseMessage().code(409).message("Different identities of one kind").responseModel(Problem.class).endResponseMessage()
                    .to(handler("contacts-merge"))
                .get("/{id}/notes").id("contacts-notes").produces("application/json").description("A contact's notes")
                    .to(handler("contacts-notes"))
                .post("/{id}/notes").id("contacts-note-add").consumes("application/json").produces("application/json")
                    .description("Write a note on a contact").type(RequestBodies.Note.class)
                    .to(handler("contacts-note-add"))
                .post("/import").id("contacts-import").consumes("text/csv").produces("application/json")
                    .description("Import contacts from CSV (header: name,email,phone,external_id) as a job")
                    .outType(ImportJob.class)
                    .responseMessage().code(202).message("Queued; follow the job").endResponseMessage()
                    .to(handler("contacts-import"))
                .get("/import/{jobId}").id("contacts-import-status").produces("application/json")
                    .description("An import's progress and per-row errors").outType(ImportJob.class)
                    .to(handler("contacts-import-status"));

        handle("contacts-list", api::list);
        handle("contacts-create", api::create);
        handle("contacts-get", api::get);
        handle("contacts-update", api::update);
        handle("contacts-delete", api::delete);
        handle("contacts-identifiers", api::identifiers);
        handle("contacts-identifier-add", api::addIdentifier);
        handle("contacts-merge", api::merge);
        handle("contacts-notes", api::notes);
        handle("contacts-note-add", api::addNote);
        handle("contacts-import", api::startImport);
        handle("contacts-import-status", api::importStatus);
    }

}
