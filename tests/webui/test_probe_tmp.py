from tests.webui.conftest import *  # noqa
def test_probe(app, as_user):
    from webui.extensions import db
    from sqlalchemy import text
    with app.app_context():
        for r in db.session.execute(text("select t.id, t.name, t.process_id, t.assignee, t.claimed_by, t.due_at, i.business_key, (select group_concat(kind||':'||value) from task_candidate c where c.human_task_id=t.id) from human_task t join instance i on i.id=t.instance_id where t.state='open' limit 8")):
            print(r)
        print(db.session.execute(text("select count(*), count(distinct assignee) from human_task where state='open'")).all())
        print(db.session.execute(text("select value, count(*) from task_candidate group by value")).all())
        print(db.session.execute(text("select kind, recipient_kind, count(*) from notification group by 1,2")).all())
        print(db.session.execute(text("select count(*) from skp")).all())
    b = as_user("198004122005012002")
    r = b.get("/")
    print(r.status_code, r.get_data(as_text=True)[-3000:])
