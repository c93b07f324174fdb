-- Every raw source with its publisher, licence, vintage and the rows it brought into the database.
-- params: none
-- columns: cle, fichier, titre, editeur, licence, millesime, lignes
select cle, fichier, titre, editeur, licence, millesime, lignes
from source
order by cle
