"""MetadataFetchTask moves onto core's job engine: fields renamed, data kept.

Constraints and the index that name a renamed field are dropped first (SQLite
remakes the table on a rename and would carry the old names into it); the next
migration adds the engine's constraints back.
"""

from django.db import migrations


def wrap_changed_fields(apps, schema_editor):
    # changed_fields held a list of field names; result holds {"changed": [...]}. The historical
    # model still orders by the renamed "task" field, hence the explicit order.
    Item = apps.get_model("tracks", "MetadataFetchTaskItem")
    for item in Item.objects.order_by("pk").iterator():
        if isinstance(item.result, list):
            item.result = {"changed": item.result}
            item.save(update_fields=["result"])


def unwrap_changed_fields(apps, schema_editor):
    Item = apps.get_model("tracks", "MetadataFetchTaskItem")
    for item in Item.objects.order_by("pk").iterator():
        if isinstance(item.result, dict):
            item.result = item.result.get("changed", [])
            item.save(update_fields=["result"])


class Migration(migrations.Migration):

    dependencies = [
        ("tracks", "0002_fetch_task_items"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="metadatafetchtask", name="fetchtask_type_valid"),
        migrations.RemoveConstraint(model_name="metadatafetchtask", name="fetchtask_status_valid"),
        migrations.RemoveConstraint(model_name="metadatafetchtaskitem", name="fetchitem_unique_track"),
        migrations.RemoveIndex(model_name="metadatafetchtaskitem", name="fetchitem_task_status_idx"),
        migrations.RenameField(model_name="metadatafetchtask", old_name="task_type", new_name="kind"),
        migrations.RenameField(model_name="metadatafetchtaskitem", old_name="task", new_name="job"),
        migrations.RenameField(model_name="metadatafetchtaskitem", old_name="changed_fields", new_name="result"),
        migrations.RunPython(wrap_changed_fields, unwrap_changed_fields),
    ]
